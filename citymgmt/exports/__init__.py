"""Exports of the admin's lists to Excel (xlsx) and CSV.

Each app owns what its export holds: an `ExportResource` (django-import-export
fields: the columns and their headers) registered as an `ExportKind` in
`registry`; its admin takes `ExportAdminMixin` (`changelist`), which puts the
"导出" button on the list and exports what the list shows, filters, search
and scope included. Up to EXPORT_SYNC_MAX_ROWS rows the file downloads at
once; more run as a Celery task the user follows on a progress page. Every
export, either way, is an `ExportJob`: the log supervisors read.
"""
