def test_closing_the_class_computes_completion(permission_world):
    """The class's close decides who completed (its attendance rule), in one move."""
    from ctxh.training.models import Attendance, Enrollment, TrainingClass
    from ctxh.training.services.classes import class_move

    w = permission_world
    klass = w.training_class
    class_move(training_class=klass, to=TrainingClass.Status.RUNNING, by=w.trainer)
    Attendance.objects.create(
        session=w.session, enrollment=w.enrollment_a, status="present", method="organizer"
    )
    class_move(training_class=klass, to=TrainingClass.Status.CLOSED, by=w.trainer)
    enrollment = Enrollment.objects.get(pk=w.enrollment_a.pk)
    assert enrollment.completed is True and enrollment.attendance_rate == 100
