"""factory_boy factories: minimal valid records; `published` and `confidential` traits."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cases import models as m


class PublishableFactory(factory.django.DjangoModelFactory):
    publication_status = m.PublicationStatus.DRAFT
    confidentiality = m.Confidentiality.PUBLIC

    class Params:
        published = factory.Trait(publication_status=m.PublicationStatus.PUBLISHED)
        confidential = factory.Trait(confidentiality=m.Confidentiality.CONFIDENTIAL)
        withdrawn = factory.Trait(
            publication_status=m.PublicationStatus.WITHDRAWN,
            withdrawal_reason="Withdrawn after review.",
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.State
        django_get_or_create = ("code",)

    code = factory.Iterator(["UA", "RU", "BY", "GB", "FR", "DE", "PL", "SY", "SD", "MM"])
    name = factory.LazyAttribute(lambda s: f"State {s.code}")


class InstrumentFactory(PublishableFactory):
    class Meta:
        model = m.Instrument

    slug = factory.Sequence(lambda n: f"instrument-{n}")
    title = factory.Sequence(lambda n: f"Convention number {n}")
    short_title = factory.Sequence(lambda n: f"C{n}")
    kind = m.InstrumentKind.TREATY
    adopted_on = datetime.date(1949, 8, 12)
    entry_into_force_on = datetime.date(1950, 10, 21)
    entry_into_force_rule = m.EntryIntoForceRule.MONTHS_AFTER_DEPOSIT
    entry_into_force_delay = 6
    withdrawal_delay_months = 12


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Provision

    instrument = factory.SubFactory(InstrumentFactory)
    label = factory.Sequence(lambda n: f"art. {n + 1}")
    heading = "Deportations, transfers, evacuations"
    rule_kind = m.RuleKind.PROHIBITION


class ViolationCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ViolationCategory

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class TreatyEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TreatyEvent

    state = factory.SubFactory(StateFactory)
    instrument = factory.SubFactory(InstrumentFactory)
    kind = m.TreatyEventKind.RATIFICATION
    deposited_on = datetime.date(1954, 5, 10)


class ActorFactory(PublishableFactory):
    class Meta:
        model = m.Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = m.ActorKind.PERSON


class IncidentFactory(PublishableFactory):
    class Meta:
        model = m.Incident

    title = factory.Sequence(lambda n: f"Incident {n}")
    summary = "Civilians were forcibly transferred from an occupied town."
    date = "2022-02-24/.."
    country = factory.SubFactory(StateFactory, code="UA", name="Ukraine")


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Involvement

    incident = factory.SubFactory(IncidentFactory)
    actor = factory.SubFactory(ActorFactory)
    role = m.InvolvementRole.DIRECT_PERPETRATOR


class LegalQualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.LegalQualification

    incident = factory.SubFactory(IncidentFactory)
    provision = factory.SubFactory(ProvisionFactory)


class AccountabilityActionFactory(PublishableFactory):
    class Meta:
        model = m.AccountabilityAction

    kind = m.ActionKind.ARREST_WARRANT
    title = factory.Sequence(lambda n: f"Arrest warrant {n}")
    issuing_body = factory.SubFactory(ActorFactory, kind=m.ActorKind.COURT, published=True)
    issued_on = datetime.date(2023, 3, 17)


class ChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Charge

    action = factory.SubFactory(AccountabilityActionFactory)
    provision = factory.SubFactory(ProvisionFactory)
    crime_period = "2022-02-24/.."


class ActionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ActionEvent

    action = factory.SubFactory(AccountabilityActionFactory)
    kind = m.ActionEventKind.ISSUED
    occurred_on = datetime.date(2023, 3, 17)


class SourceFactory(PublishableFactory):
    class Meta:
        model = m.Source

    kind = m.SourceKind.PRESS_RELEASE
    title = factory.Sequence(lambda n: f"Press release {n}")
    url = factory.Sequence(lambda n: f"https://example.org/press/{n}")


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Citation

    source = factory.SubFactory(SourceFactory)
    incident = factory.SubFactory(IncidentFactory)
    pinpoint = "para. 1"


class ProtectedPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ProtectedPerson

    pseudonym = factory.Sequence(lambda n: f"W-{n:04d}")
    role = m.ProtectedPerson.Role.WITNESS
