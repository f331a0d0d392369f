'use strict';
// An actor picker (cases.admin.entry.CreatingAutocompleteSelect) also offers, under what it
// finds, "Create “<typed name>” as <kind>" for each kind the field names. Choosing one
// creates the actor through the actor's add page (POST to data-create-url, as a draft in
// the editor's change set) and chooses it; a refusal is shown under the field, which is
// left empty. Wraps Django's set-up of its pickers (admin/js/autocomplete.js), so pickers
// of rows added later get it too. Its words come from the admin's JavaScript catalog
// (admin:jsi18n, which every change form loads and which reads the project's djangojs.po).
{
    const $ = django.jQuery;
    const plain = $.fn.djangoAdminSelect2;
    const CREATE = '_create:';

    function csrfToken(element) {
        const field = element.form && element.form.querySelector('[name=csrfmiddlewaretoken]');
        return field ? field.value : '';
    }

    function showError(element, messages) {
        const list = document.createElement('ul');
        list.className = 'errorlist create-in-picker-errors';
        for (const message of messages) {
            const item = document.createElement('li');
            item.textContent = message;
            list.appendChild(item);
        }
        element.parentElement.appendChild(list);
    }

    function create(element, chosen) {
        const [kind, ...rest] = chosen.id.slice(CREATE.length).split(':');
        const name = rest.join(':');
        const body = new FormData();
        body.append('name', name);
        body.append('kind', kind);
        for (const old of element.parentElement.querySelectorAll('.create-in-picker-errors')) {
            old.remove();
        }
        fetch(element.dataset.createUrl, {
            method: 'POST',
            body: body,
            credentials: 'same-origin',
            headers: {'X-CSRFToken': csrfToken(element)}
        }).then((response) => response.json().then((answer) => [response.ok, answer]))
            .then(([ok, answer]) => {
                const pending = Array.from(element.options).find((o) => o.value === chosen.id);
                if (pending) {
                    pending.remove();
                }
                if (ok) {
                    element.appendChild(new Option(answer.text, answer.id, true, true));
                } else {
                    $(element).val(null);
                    showError(element, answer.errors || [gettext('The actor could not be created.')]);
                }
                $(element).trigger('change');
            })
            .catch(() => {
                $(element).val(null).trigger('change');
                showError(element, [gettext('The actor could not be created: try again.')]);
            });
    }

    function withCreate(element) {
        const kinds = JSON.parse(element.dataset.createKinds);
        $(element).select2({
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName
                }),
                processResults: (data, params) => {
                    const term = (params.term || '').trim();
                    const results = data.results.slice();
                    const more = data.pagination && data.pagination.more;
                    if (term && !more) {  // after everything found, on the last page
                        for (const [kind, label] of kinds) {
                            results.push({
                                id: CREATE + kind + ':' + term,
                                text: interpolate(
                                    gettext('Create “%(name)s” as %(kind)s'),
                                    {name: term, kind: label},
                                    true
                                )
                            });
                        }
                    }
                    return {results: results, pagination: data.pagination};
                }
            }
        });
        $(element).on('select2:select', (event) => {
            const chosen = event.params.data;
            if (String(chosen.id).startsWith(CREATE)) {
                create(element, chosen);
            }
        });
    }

    $.fn.djangoAdminSelect2 = function() {
        plain.call(this.not('[data-create-url]'));
        this.filter('[data-create-url]').each((i, element) => withCreate(element));
        return this;
    };
}
