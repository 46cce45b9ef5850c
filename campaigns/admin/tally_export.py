class TallyExportMixin:
    """Filled by the exports module."""
