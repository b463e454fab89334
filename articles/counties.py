"""The gazetteer's counties as County rows: loaded by migration 0006, new codes by
``manage.py loadcounties`` (after the gazetteer data is updated)."""

from __future__ import annotations

from ingest.gazetteer import Gazetteer


def load_counties(county_model, gazetteer: Gazetteer | None = None) -> int:
    """Add the gazetteer's counties missing from the table; returns how many were added.

    Takes the model class so that a migration can pass its historical model.
    """
    gaz = gazetteer or Gazetteer.default()
    existing = set(county_model.objects.values_list("code", flat=True))
    fresh = [
        county_model(code=c.code, name=c.name, short_name=c.short, prefecture=c.prefecture, province=c.province)
        for c in gaz.counties()
        if c.code not in existing
    ]
    county_model.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh)
