"""The six categories every idea box starts with (migration 0002 adds them; administrators
edit the list afterwards). The demo hospital makes sure they exist too: tests that empty the
database between them also remove what data migrations added."""

from __future__ import annotations

DEFAULT_CATEGORIES = (
    ("work-environment", "Work environment", "Rotas, rest areas, equipment, how we work together."),
    ("patient-care", "Patient care", "The care, comfort and experience of patients and families."),
    (
        "patient-safety",
        "Patient safety",
        "Preventing harm: falls, infections, medicines, handovers.",
    ),
    ("efficiency-and-cost", "Efficiency and cost", "Less waste, fewer steps, money better spent."),
    ("technology", "Technology", "Systems, devices and software we use."),
    ("other", "Other", "Anything else that would make things better."),
)


def ensure_default_categories() -> None:
    """Add any default category that is missing (one kept by slug is left as it is)."""
    from staffroom.ideas.models import Category

    for position, (slug, name, description) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "position": position},
        )
