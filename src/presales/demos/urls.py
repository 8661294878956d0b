app_name = "demos"

urlpatterns: list = []
