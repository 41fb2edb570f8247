"""The vocabularies of the practicum (practice types, levels, statuses)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeType(models.TextChoices):
    """What the student practises (the schools' course types)."""

    CASEWORK = "casework", _("Casework with individuals")
    GROUP_WORK = "group_work", _("Group work")
    COMMUNITY = "community", _("Community work")
    GRADUATION = "graduation", _("Graduation internship")


class Level(models.TextChoices):
    """The student's level of study."""

    COLLEGE = "college", _("College")
    UNIVERSITY_2 = "university_2", _("University, year 2")
    UNIVERSITY_3 = "university_3", _("University, year 3")
    UNIVERSITY_4 = "university_4", _("University, year 4")
    MASTER = "master", _("Master's")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class GenderRequirement(models.TextChoices):
    """A site's requirement on the student's gender (e.g. a shelter for women)."""

    ANY = "", _("Any")
    FEMALE = "female", _("Female students only")
    MALE = "male", _("Male students only")
