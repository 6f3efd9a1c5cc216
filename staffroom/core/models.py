from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every Staffroom record knows when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Visibility(models.TextChoices):
    """Whether others can see something a person wrote (a post, a comment, later an idea).

    Only VISIBLE items appear to anyone but their author and the people who look after them.
    HELD: the PHI guard found possible patient information; the author and privacy officers
    see it until it is released (→ VISIBLE) or removed. HIDDEN: a moderator hid it, or enough
    people flagged it; it waits for review. REMOVED: taken down for good (marked as patient
    information by a privacy officer, or removed from the privacy queue).
    """

    VISIBLE = "visible", _("Visible")
    HELD = "held", _("Held for privacy review")
    HIDDEN = "hidden", _("Hidden by a moderator")
    REMOVED = "removed", _("Removed")
