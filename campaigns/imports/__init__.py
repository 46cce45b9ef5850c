"""The Excel import of tallies: the template, reading a file, the preview, the views.

`columns` (the sheet's layout), `template` (the downloadable workbook),
`files` (reading .xlsx with python-calamine, or UTF-8 CSV), `store` (the
upload kept between preview and confirmation), `plan` (rows → entries →
`campaigns.services.tallies_record_many` → the preview), `views` (the two
campaign tools, registered from `CampaignsConfig.ready()`).
"""
