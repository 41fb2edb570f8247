"""The figures and the catalogue of the training's demo (see the package's docstring)."""

from __future__ import annotations

import datetime as dt

from ctxh.training.models import DegreeLevel, DegreeTraining

#: The articles' figures.
HISTORIC_CLASSES = 319
HISTORIC_TIMES = 23_912
DEGREE_TRAINEES = 797
COOPERATION_PEOPLE = 500
COOPERATION_CLASSES = 10

#: Classes per year 2010–2020 (319 in all): the programme grew year by year.
PER_YEAR = [20, 22, 24, 26, 28, 29, 30, 31, 33, 36, 40]

#: code, title, topic, hours, level
COURSES = [
    ("CTXH-CB", "Kiến thức cơ bản về công tác xã hội", "Kiến thức nền tảng", 40, "awareness"),
    ("CTXH-CN", "Công tác xã hội với cá nhân và gia đình", "Kỹ năng thực hành", 40, "skills"),
    ("CTXH-NHOM", "Công tác xã hội với nhóm", "Kỹ năng thực hành", 32, "skills"),
    ("CTXH-CD", "Phát triển cộng đồng", "Kỹ năng thực hành", 32, "skills"),
    ("QLTH", "Quản lý trường hợp", "Quản lý trường hợp", 40, "skills"),
    ("BVTE", "Bảo vệ trẻ em và phòng chống xâm hại", "Bảo vệ trẻ em", 24, "skills"),
    ("NCT", "Chăm sóc người cao tuổi dựa vào cộng đồng", "Người cao tuổi", 24, "skills"),
    ("NKT", "Hỗ trợ người khuyết tật", "Người khuyết tật", 24, "skills"),
    ("CAINGHIEN", "Hỗ trợ người sau cai nghiện tái hòa nhập", "Phòng chống ma túy", 24, "skills"),
    ("KHV", "Kiểm huấn trong công tác xã hội", "Kiểm huấn", 40, "skills"),
    ("CC-IV", "Bồi dưỡng chức danh nhân viên công tác xã hội (hạng IV)", "Chức danh nghề nghiệp", 120, "certificate_iv"),  # noqa: E501
    ("CC-III", "Bồi dưỡng chức danh công tác xã hội viên (hạng III)", "Chức danh nghề nghiệp", 160, "certificate_iii"),  # noqa: E501
    ("CSPL", "Chính sách, pháp luật về trợ giúp xã hội", "Chính sách, pháp luật", 16, "awareness"),
]  # fmt: skip

OUTSIDER_NAMES = [
    "Nguyễn Thị Hồng Nhung",
    "Trần Văn Lợi",
    "Lê Thị Kim Oanh",
    "Phạm Văn Tài",
    "Huỳnh Thị Mỹ Linh",
    "Võ Minh Trí",
    "Đỗ Thị Thanh Thảo",
    "Bùi Quốc Khánh",
]

DEGREE_LEVELS = [
    (DegreeLevel.INTERMEDIATE, 2, 30),
    (DegreeLevel.COLLEGE, 3, 10),
    (DegreeLevel.UNIVERSITY, 4, 50),
    (DegreeLevel.MASTER, 2, 10),
]


def classes_per_year(rng) -> list[tuple[int, int]]:
    assert sum(PER_YEAR) == HISTORIC_CLASSES
    return list(zip(range(2010, 2021), PER_YEAR, strict=True))


def class_sizes(rng, n: int, total: int, low: int = 25, high: int = 150) -> list[int]:
    """``n`` class sizes between ``low`` and ``high`` adding up to ``total`` exactly."""
    sizes = [rng.randint(40, 110) for _ in range(n)]
    while (diff := total - sum(sizes)) != 0:
        i = rng.randrange(n)
        step = 1 if diff > 0 else -1
        if low <= sizes[i] + step <= high:
            sizes[i] += step
    return sizes


def degree_rows(rng, people, schools, today: dt.date) -> list[DegreeTraining]:
    """797 people of the registry sent to degree programmes since 2010."""
    chosen = rng.sample(people, DEGREE_TRAINEES)
    levels = [level for level, _years, weight in DEGREE_LEVELS for _ in range(weight)]
    years_of = {level: years for level, years, _weight in DEGREE_LEVELS}
    rows = []
    for pk, org_id, _name, _born in chosen:
        level = rng.choice(levels)
        start = dt.date(rng.randint(2010, 2025), rng.choice((9, 10)), 1)
        expected = start.replace(year=start.year + years_of[level])
        done = expected if expected < today and rng.random() < 0.9 else None
        school = rng.choice(schools) if schools else None
        rows.append(
            DegreeTraining(
                person_id=pk,
                organization_id=org_id,
                level=level,
                institution=school.name if school else "Trường Đại học Lao động - Xã hội",
                starts_on=start,
                expected_end=expected,
                actual_end=done,
                funding=rng.choice(("programme", "state", "state", "self")),
            )
        )
    return rows
