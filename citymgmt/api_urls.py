from rest_framework.routers import DefaultRouter

from squads.apis import AreaViewSet, SquadViewSet

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("squads", SquadViewSet, basename="squad")

urlpatterns = router.urls
