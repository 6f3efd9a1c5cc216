from __future__ import annotations

import factory

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.organisation.tests.factories import JobFamilyFactory, UnitFactory

PASSWORD = "correct horse battery"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    employee_id = factory.Sequence(lambda n: f"E{n:06d}")
    email = factory.LazyAttribute(lambda p: f"{p.username}@riverside.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    job_title = "Registered Nurse"
    job_family = factory.SubFactory(JobFamilyFactory)
    unit = factory.SubFactory(UnitFactory)

    @factory.post_generation
    def password(self: Person, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    person = factory.SubFactory(PersonFactory)
    role = Role.ADMINISTRATOR
