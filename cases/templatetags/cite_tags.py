"""{% record_citation record as cite %}: the record's citation (cases.cite) for its page."""

from django import template

from cases.cite import RecordCitation, citation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def record_citation(context, record) -> RecordCitation:
    return citation_for(record, context["request"])
