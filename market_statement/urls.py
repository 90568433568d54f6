app_name = "market_statement"

urlpatterns: list = []
