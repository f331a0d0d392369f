"""The translations of a record's texts on its admin page: the original's language beside
the texts, then one collapsed fieldset per language (docs/i18n.md). They are ordinary
fields of the form, so an edit of a live record's translation waits in the change set and
its diff names each field with its language, like any other edit."""

from cases.models.translations import RECORD_LANGUAGES, language_label


class TranslatedTextsAdmin:
    """Mixed into the admin of a model made with translated_texts()."""

    def get_fieldsets(self, request, obj=None):
        model = self.model
        columns = {
            f"{prefix}_{code}"
            for code in RECORD_LANGUAGES
            for prefix in (*model.TRANSLATED_TEXTS, "translated_by")
        } | {"original_language"}
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options["fields"] if f not in columns]
            if not fieldsets:  # the texts' language, right under them
                fields.append("original_language")
            fieldsets.append((name, {**options, "fields": fields}))
        for code in RECORD_LANGUAGES:
            fields = [f"{text}_{code}" for text in model.TRANSLATED_TEXTS]
            fieldsets.append(
                (
                    language_label(code),
                    {"classes": ("collapse",), "fields": [*fields, f"translated_by_{code}"]},
                )
            )
        return fieldsets
