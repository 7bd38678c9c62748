"""Mask personal data for display. Pure functions: no Django here.

Empty values (None, '') come back unchanged so templates can use |default.
"""

MASK = "*"


def mask_name(name: str | None) -> str | None:
    """Keep the first character of a name: 张三丰 → 张**."""
    if not name:
        return name
    name = name.strip()
    if len(name) <= 1:
        return MASK * len(name)
    return name[0] + MASK * (len(name) - 1)


def mask_id_number(id_number: str | None) -> str | None:
    """Keep the region code and the last four characters: 110101199003071234 → 110101********1234."""
    if not id_number:
        return id_number
    id_number = id_number.strip()
    if len(id_number) <= 10:
        return MASK * len(id_number)
    return id_number[:6] + MASK * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """Keep the first three and the last four digits: 13812345678 → 138****5678."""
    if not phone:
        return phone
    phone = phone.strip()
    if len(phone) <= 7:
        return MASK * len(phone)
    return phone[:3] + MASK * (len(phone) - 7) + phone[-4:]
