'use strict';
// In a form whose inline rows name their source (an involvement, a qualification, a
// charge: cases.admin.sources.SourceInRowForm), a new row started after a source was chosen
// in the form starts with that source: entering a case, the claims of one form are mostly
// backed by the source just cited. The source is shown in the row before anything is
// saved, and can be changed or emptied there; the pinpoint is not copied (it differs from
// claim to claim). Rows started before any source was chosen, rows already saved, and
// the values a page is shown with are left alone.
{
    const $ = django.jQuery;
    const ROW_FIELD = /^(.+-\d+)-([a-z_]+)$/;
    const NOT_STARTING = new Set(['source', 'pinpoint', 'id', 'DELETE']);
    const started = new Set();
    let lastSource = null;

    function onChange(event) {
        const field = event.target;
        const match = ROW_FIELD.exec(field.name || '');
        if (!match || !field.form) {
            return;
        }
        const [, row, name] = match;
        if (name === 'source') {
            if (field.value) {
                const option = field.options[field.selectedIndex];
                lastSource = {id: field.value, text: option ? option.text : field.value};
            }
            started.add(row);
            return;
        }
        if (NOT_STARTING.has(name) || started.has(row) || !field.value) {
            return;  // a row starts with a value entered
        }
        started.add(row);
        const source = field.form.elements[row + '-source'];
        const saved = field.form.elements[row + '-id'];
        if (!lastSource || !source || source.value || (saved && saved.value)) {
            return;
        }
        let option = Array.from(source.options).find((o) => o.value === lastSource.id);
        if (!option) {
            option = new Option(lastSource.text, lastSource.id);
            source.appendChild(option);
        }
        option.selected = true;
        $(source).trigger('change');
    }

    // Once the page is set up: the pickers' set-up announces their values as changes.
    window.addEventListener('load', () => {
        $(document).on('change', 'select, input, textarea', onChange);
    });
}
