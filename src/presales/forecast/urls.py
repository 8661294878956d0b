app_name = "forecast"

urlpatterns: list = []
