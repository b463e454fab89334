from django.apps import AppConfig


class IngestConfig(AppConfig):
    # Registered only for its management commands; the parser itself never imports Django.
    name = "ingest"
    verbose_name = "入库"
