"""QR codes for printed contact cards, drawn on the server."""

from io import BytesIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_png(payload: str) -> bytes:
    """A PNG of a QR code for the payload, large enough to print at 20 mm."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(payload)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
