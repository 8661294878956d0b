app_name = "appraisal"

urlpatterns: list = []
