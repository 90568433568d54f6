app_name = "ras"

urlpatterns: list = []
