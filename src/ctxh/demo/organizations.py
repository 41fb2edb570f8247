"""The city's organisations as the source articles describe them (DOMAIN.md figures)."""

from __future__ import annotations

import random
from decimal import Decimal

from ctxh.organizations.models import Kind, Ownership

SCHOOLS = [
    ("DHLDXH-CS2", "Trường Đại học Lao động - Xã hội (Cơ sở II)"),
    ("DHSP-HCM", "Trường Đại học Sư phạm Thành phố Hồ Chí Minh"),
    ("DHKHXHNV-HCM", "Trường Đại học Khoa học Xã hội và Nhân văn, ĐHQG-HCM"),
    ("DHTDT", "Trường Đại học Tôn Đức Thắng"),
    ("DHMO-HCM", "Trường Đại học Mở Thành phố Hồ Chí Minh"),
    ("HVCB-HCM", "Học viện Cán bộ Thành phố Hồ Chí Minh"),
    ("HVPNVN-HCM", "Phân hiệu Học viện Phụ nữ Việt Nam tại Thành phố Hồ Chí Minh"),
]
DEPARTMENTS = [
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("STP", "Sở Tư pháp"),
    ("SNV", "Sở Nội vụ"),
    ("SVHTT", "Sở Văn hóa và Thể thao"),
    ("CATP", "Công an Thành phố"),
]
ASSOCIATIONS = [
    ("HLHPN", "Hội Liên hiệp Phụ nữ Thành phố"),
    ("THANHDOAN", "Thành Đoàn Thành phố Hồ Chí Minh"),
    ("HNCT", "Hội Người cao tuổi Thành phố"),
    ("HCTD", "Hội Chữ thập đỏ Thành phố"),
    ("HBTNKT", "Hội Bảo trợ Người khuyết tật và Trẻ mồ côi Thành phố"),
    ("HCTXH", "Hội Công tác xã hội Thành phố"),
]
NGOS = [
    ("NGO-SCI", "Tổ chức Cứu trợ Trẻ em (Save the Children)"),
    ("NGO-PLAN", "Tổ chức Plan International tại Việt Nam"),
    ("NGO-BDN", "Trung tâm Hỗ trợ Phát triển Bền vững"),
    ("NGO-HOPE", "Quỹ Hy vọng vì Trẻ em"),
]
PUBLIC_NAMES = [
    "Trung tâm Bảo trợ Trẻ em Tam Bình",
    "Trung tâm Nuôi dưỡng Bảo trợ Trẻ em Gò Vấp",
    "Trung tâm Bảo trợ Người già Chánh Phú Hòa",
    "Trung tâm Dưỡng lão Thị Nghè",
    "Trung tâm Bảo trợ Người khuyết tật Thạnh Lộc",
    "Trung tâm Công tác xã hội Thành phố",
    "Trung tâm Hỗ trợ Xã hội",
    "Trung tâm Bảo trợ Xã hội Tân Hiệp",
    "Trung tâm Chăm sóc Người tâm thần Bình Đức",
    "Trung tâm Nuôi dưỡng Trẻ em Linh Xuân",
    "Trung tâm Bảo trợ Người bại liệt Thạnh Lộc",
    "Làng Thiếu niên Thủ Đức",
    "Trung tâm Giáo dục Thiếu niên Thành phố",
    "Trung tâm Bảo trợ Người cao tuổi Bình Triệu",
    "Trung tâm Công tác xã hội Trẻ em",
    "Trung tâm Điều dưỡng Người có công",
    "Trung tâm Hỗ trợ Người lang thang",
    "Trung tâm Bảo trợ Trẻ em Thủ Đức",
    "Trung tâm Chăm sóc Sức khỏe Người cao tuổi Phú Nhuận",
    "Trung tâm Bảo trợ Xã hội Bà Rịa",
]
REHAB_NAMES = [
    "Cơ sở Cai nghiện ma túy số 1",
    "Cơ sở Cai nghiện ma túy số 2",
    "Cơ sở Cai nghiện ma túy số 3",
    "Cơ sở Cai nghiện ma túy Phú Văn",
    "Cơ sở Cai nghiện ma túy Bình Đức",
    "Cơ sở Cai nghiện ma túy Nhị Xuân",
    "Cơ sở Cai nghiện ma túy Bố Lá",
    "Cơ sở Xã hội Nhị Xuân",
]
PRIVATE_PREFIXES = [
    "Mái ấm",
    "Nhà mở",
    "Cơ sở Bảo trợ xã hội",
    "Viện dưỡng lão",
    "Mái ấm Tình thương",
    "Cơ sở Nuôi dạy trẻ khuyết tật",
    "Nhà Hưu dưỡng",
    "Cơ sở Chăm sóc người cao tuổi",
]
PRIVATE_NAMES = [
    "Thiện Duyên",
    "Hoa Hồng",
    "Tâm Bình",
    "Vinh Sơn",
    "Thánh Tâm",
    "Ánh Sáng",
    "Hy Vọng",
    "Bình An",
    "Mai Tâm",
    "Tình Thương",
    "Phúc An",
    "Nhân Ái",
    "Hướng Dương",
    "Thiên Ân",
    "Sen Hồng",
    "Tuổi Hồng",
    "Linh Xuân",
    "Đức Thành",
]
TARGET_GROUPS_BY_KIND = {
    Kind.PUBLIC_FACILITY: ["children", "elderly", "disability", "mental_illness", "homeless"],
    Kind.REHAB_FACILITY: ["post_rehab"],
    Kind.PRIVATE_FACILITY: ["children", "elderly", "disability", "special_families", "poor"],
}


def _words(text: str) -> set[str]:
    return set(text.casefold().split())


def _private_names(drawn: list[tuple[str, str]]) -> list[str]:
    """The drawn (prefix, name) pairs as names, none repeating a word: "Mái ấm Tình thương"
    with "Tình Thương", or "… người cao tuổi" with "Tuổi Hồng", takes the next name that
    fits instead. No random draw is added, so every other figure of the demo stays the same
    as before this rule (a demo database loaded earlier only sees these names change)."""
    names = [f"{prefix} {given}" for prefix, given in drawn]
    for i, (prefix, given) in enumerate(drawn):
        if not _words(prefix) & _words(given):
            continue
        start = PRIVATE_NAMES.index(given)
        for other in PRIVATE_NAMES[start + 1 :] + PRIVATE_NAMES[:start]:
            name = f"{prefix} {other}"
            if not _words(prefix) & _words(other) and name not in names:
                names[i] = name
                break
    return names


def place_name(ward) -> str:
    """A ward's name without its kind ("Phường Tam Bình" → "Tam Bình")."""
    name = " ".join(ward.name.split())
    for kind in ("Phường ", "Xã ", "Đặc khu "):
        if name.startswith(kind):
            return name[len(kind) :]
    return name


def ward_named_in(name: str, wards: list):
    """The ward a facility's name ends with ("… Trẻ em Tam Bình" → Phường Tam Bình), the
    longest such name if several do (Tân Sơn Nhất before Nhất), else None."""
    found = [w for w in wards if name.endswith(f" {place_name(w)}")]
    return max(found, key=lambda w: len(place_name(w)), default=None)


def facilities(wards: list, seed: int = 112) -> list[dict]:
    """92 facilities: 28 public (20 social-assistance, 8 drug rehabilitation), 64 non-public."""
    rng = random.Random(seed)
    rows: list[dict] = []
    plan = [(Kind.PUBLIC_FACILITY, Ownership.PUBLIC, name) for name in PUBLIC_NAMES] + [
        (Kind.REHAB_FACILITY, Ownership.PUBLIC, name) for name in REHAB_NAMES
    ]
    drawn: list[tuple[str, str]] = []
    while len(plan) + len(drawn) < 92:
        prefix, given = rng.choice(PRIVATE_PREFIXES), rng.choice(PRIVATE_NAMES)
        if (prefix, given) not in drawn:
            drawn.append((prefix, given))
    plan += [(Kind.PRIVATE_FACILITY, Ownership.NON_PUBLIC, name) for name in _private_names(drawn)]
    for i, (kind, ownership, name) in enumerate(plan, start=1):
        ward = wards[rng.randrange(len(wards))]
        # A facility named after a ward lies in that ward ("… Tam Bình" in Phường Tam Bình).
        ward = ward_named_in(name, wards) or ward
        public = ownership == Ownership.PUBLIC
        groups = TARGET_GROUPS_BY_KIND[kind]
        rows.append(
            {
                "code": f"CS-{i:03d}",
                "name": name,
                "kind": kind,
                "ownership": ownership,
                "ward": ward,
                "address": f"{rng.randint(1, 500)} đường số {rng.randint(1, 60)}, {ward.name}",
                "phone": f"028 {rng.randint(3800, 3999)} {rng.randint(1000, 9999)}",
                "facility": {
                    "capacity": rng.randint(250, 1200) if public else rng.randint(15, 120),
                    "provides_social_work_services": public or rng.random() < 0.45,
                    "licence_number": f"{rng.randint(10, 999)}/GP-SLĐTBXH",
                    "latitude": Decimal(f"{10.65 + rng.random() * 0.25:.6f}"),
                    "longitude": Decimal(f"{106.55 + rng.random() * 0.30:.6f}"),
                    "target_groups": sorted(rng.sample(groups, k=min(len(groups), 2))),
                    "services": sorted(
                        rng.sample(
                            [
                                "care",
                                "counselling",
                                "case_management",
                                "rehabilitation",
                                "education",
                                "vocational",
                                "emergency",
                            ],
                            k=3,
                        )
                    ),
                },
            }
        )
    return rows
