"""Public pages. Every view reads through the models' public() querysets."""

app_name = "cases"

urlpatterns: list = []
