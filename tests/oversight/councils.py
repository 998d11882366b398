"""The councils of Devon, Cornwall and the Isles of Scilly with their official codes (ONS local authority district
codes and local-authority-eng register codes), for allocations across councils."""

from partnerships.models import Organisation

DEVON_AND_CORNWALL = [
    ("Plymouth City Council", "E06000026", "PLY"),
    ("Torbay Council", "E06000027", "TOB"),
    ("Cornwall Council", "E06000052", "CON"),
    ("Council of the Isles of Scilly", "E06000053", "IOS"),
    ("East Devon District Council", "E07000040", "EDE"),
    ("Exeter City Council", "E07000041", "EXE"),
    ("Mid Devon District Council", "E07000042", "MDE"),
    ("North Devon Council", "E07000043", "NDE"),
    ("South Hams District Council", "E07000044", "SHA"),
    ("Teignbridge District Council", "E07000045", "TEI"),
    ("Torridge District Council", "E07000046", "TOR"),
    ("West Devon Borough Council", "E07000047", "WDE"),
]


def devon_councils() -> list[Organisation]:
    councils = []
    for name, ons_code, register_code in DEVON_AND_CORNWALL:
        council, _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "kind": Organisation.Kind.LOCAL_AUTHORITY,
                "ons_code": ons_code,
                "local_authority_code": register_code,
            },
        )
        councils.append(council)
    return councils


def key(council: Organisation) -> str:
    return f"la-{council.pk}"
