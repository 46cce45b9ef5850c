"""The staff tool for campaigns: metrics, road segments, campaigns, tallies.

Querysets come from `campaigns.selectors` (the unit scope: another unit's
road segment, tally or grid answers 404) and every write goes through
`campaigns.services`: the forms run their service when cleaned
(`common.ServiceForm`), a campaign starts and closes only through its
buttons, and a tally is written only by `tally_record` from the week grid
(`grid`) or its own page (`tallies`).
"""

from campaigns.admin import campaign_page, reference, tallies  # noqa: F401
