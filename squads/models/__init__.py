"""Areas, squad units, members, workstations and published contact cards.

- `units`: areas (GB/T 2260-style codes), units (大队 › 中队 › 分队), service items.
- `people`: members and their roles.
- `places`: workstations and contact cards.
"""

from citymgmt.phones import PhoneField  # migrations name it squads.models.PhoneField
from squads.models.people import Member
from squads.models.places import ContactCard, Workstation
from squads.models.units import SQUAD_CODE_RE, Area, ServiceItem, Squad

__all__ = [
    "SQUAD_CODE_RE",
    "Area",
    "ContactCard",
    "Member",
    "PhoneField",
    "ServiceItem",
    "Squad",
    "Workstation",
]
