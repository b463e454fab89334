from django.contrib import admin
from django.urls import path

from articles import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("issues/<int:pk>/", views.issue, name="issue"),
    path("counties/<str:name>/", views.county, name="county"),
    path("upload/", views.upload, name="upload"),
    path("api/articles", views.api_articles, name="api-articles"),
    path("api/articles/<int:pk>", views.api_article, name="api-article"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
