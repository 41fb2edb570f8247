"""The training app's models, by sub-domain; import them from here."""

from .catalogue import ClassSession, Course, CourseLevel, Funding, TrainingClass
from .degree import DegreeLevel, DegreeTraining
from .enrolment import Attendance, Enrollment

__all__ = [
    "Attendance",
    "ClassSession",
    "Course",
    "CourseLevel",
    "DegreeLevel",
    "DegreeTraining",
    "Enrollment",
    "Funding",
    "TrainingClass",
]
