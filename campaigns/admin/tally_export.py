"""The "导出" button of the tallies list (TallyAdmin's first base).

The core's `ExportAdminMixin` with the tallies' registered export
(`campaigns.exports`): xlsx or CSV of the tallies the list shows.
"""

from __future__ import annotations

from campaigns import exports
from citymgmt.exports.changelist import ExportAdminMixin


class TallyExportMixin(ExportAdminMixin):
    """Export the tallies list (its scope, filters and order) to xlsx or CSV."""

    export_kind = exports.TALLIES.name
