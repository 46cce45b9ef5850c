"""The squads API under /api/v1/: areas and units (public, read-only)."""

from rest_framework.routers import SimpleRouter

from squads.apis import AreaViewSet, SquadViewSet

router = SimpleRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("squads", SquadViewSet, basename="squad")

urlpatterns = router.urls
