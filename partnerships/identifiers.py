"""Official identifiers of organisations and places, and the one place their formats are written down.

Published grant data (360Giving) names every organisation by an org-id.guide identifier: a registry prefix and
the organisation's number in that registry (`GB-CHC-1123328` for a registered charity, `GB-COH-01234567` for a
company, `GB-LAE-PLY` for an English council, `GB-PLA-CRF` for a Welsh principal council). Places are named by
ONS codes (`E06000026` is Plymouth). The model fields validate against these formats, and the 360Giving quality
checks test the published file against the same ones, so a number that would fail 360Giving's checks cannot be
typed in the first place.
"""

from __future__ import annotations

import re

from django.core.validators import RegexValidator

# Registry prefixes from org-id.guide that an OPCC's funders and grant recipients in England and Wales use. The
# list is ours (org-id.guide cannot be read at run time here); 360Giving's own checks accept any org-id.guide
# prefix, and 360G- for organisations with no registered number.
ORG_ID_PREFIXES: dict[str, str] = {
    "GB-CHC": "Charity Commission for England and Wales",
    "GB-SC": "Scottish Charity Regulator",
    "GB-NIC": "Charity Commission for Northern Ireland",
    "GB-COH": "Companies House",
    "GB-LAE": "Local authorities in England (local-authority-eng register)",
    "GB-PLA": "Principal local authorities in Wales (principal-local-authority register)",
    "GB-LAS": "Local authorities in Scotland",
    "GB-LANI": "Local authorities in Northern Ireland",
    "GB-GOR": "Government organisations (government-organisation register)",
    "GB-NHS": "NHS organisations (ODS codes)",
    "GB-EDU": "Schools and colleges in England (EduBase / Get Information about Schools)",
    "GB-UKPRN": "UK Register of Learning Providers",
    "GB-MPR": "Mutuals Public Register (co-operative and community benefit societies)",
    "GB-SHPE": "Social housing providers in England",
    "GB-REV": "HMRC charitable status",
    "XI-PB": "Public bodies (UK)",
}

CHARITY_NUMBER = re.compile(r"^[0-9]{6,7}\Z")
COMPANY_NUMBER = re.compile(r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})\Z")
LOCAL_AUTHORITY_CODE = re.compile(r"^[A-Z]{3,4}\Z")
# ONS codes of local authority districts: E06 unitary, E07 non-metropolitan district, E08 metropolitan district,
# E09 London borough, W06 Welsh unitary authority.
LOCAL_AUTHORITY_DISTRICT_CODE = re.compile(r"^(?:E0[6-9]|W06)[0-9]{6}\Z")
ONS_CODE = re.compile(r"^[EWSNK][0-9]{8}\Z")
ORG_ID = re.compile(r"^(?P<prefix>[A-Z]{2}-[A-Z]{2,6})-(?P<number>[A-Za-z0-9][A-Za-z0-9._/-]*)\Z")

GEO_CODE_TYPES = {"E06": "UA", "E07": "NMD", "E08": "MD", "E09": "LONB", "E10": "CTY", "W06": "UA"}

validate_charity_number = RegexValidator(
    CHARITY_NUMBER,
    "Enter the Charity Commission number for England and Wales: 6 or 7 digits, like 1123328.",
    code="charity_number",
)
validate_company_number = RegexValidator(
    COMPANY_NUMBER,
    "Enter the Companies House number as 8 characters: 8 digits with any leading zeros (01234567), or 2 capital "
    "letters and 6 digits (SC123456).",
    code="company_number",
)
validate_local_authority_code = RegexValidator(
    LOCAL_AUTHORITY_CODE,
    "Enter the council's register code: 3 or 4 capital letters, like PLY for Plymouth.",
    code="local_authority_code",
)
validate_local_authority_district_code = RegexValidator(
    LOCAL_AUTHORITY_DISTRICT_CODE,
    "Enter the ONS local authority district code: E06, E07, E08, E09 or W06 and 6 digits, like E06000026.",
    code="lad_code",
)
validate_ons_code = RegexValidator(
    ONS_CODE, "Enter the ONS code: a capital letter and 8 digits, like E23000035.", code="ons_code"
)


def org_id_problem(value: str) -> str:
    """Why `value` is not an org-id.guide identifier this product publishes, or "" when it is."""
    match = ORG_ID.match(value or "")
    if match is None:
        return (
            "Enter an org-id.guide identifier: a registry prefix and the number in that registry, like "
            "GB-CHC-1123328 or GB-LAE-PLY, with no spaces or line breaks."
        )
    prefix, number = match["prefix"], match["number"]
    if prefix not in ORG_ID_PREFIXES:
        known = ", ".join(sorted(ORG_ID_PREFIXES))
        return f"{prefix} is not a registry prefix from org-id.guide this product knows. Use one of {known}."
    checks = {
        "GB-CHC": CHARITY_NUMBER,
        "GB-COH": COMPANY_NUMBER,
        "GB-LAE": LOCAL_AUTHORITY_CODE,
        "GB-PLA": LOCAL_AUTHORITY_CODE,
    }
    if prefix in checks and not checks[prefix].match(number):
        return f"{number} is not a well-formed number for {prefix} ({ORG_ID_PREFIXES[prefix]})."
    return ""


def validate_org_id(value: str) -> None:
    from django.core.exceptions import ValidationError

    if problem := org_id_problem(value):
        raise ValidationError(problem, code="org_id")


def local_authority_prefix(ons_code: str) -> str:
    """The org-id.guide registry of a council, from the country of its ONS code: Welsh principal councils are in
    GB-PLA, English councils in GB-LAE."""
    return "GB-PLA" if (ons_code or "").startswith("W") else "GB-LAE"
