from django.urls import path

from staff import views

app_name = "staff"
urlpatterns = [
    path("", views.security, name="security"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery, name="recovery"),
    path("log-out-everywhere/", views.logout_everywhere, name="logout-everywhere"),
]
