app_name = "bids"

urlpatterns: list = []
