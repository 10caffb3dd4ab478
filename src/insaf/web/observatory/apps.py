from __future__ import annotations

from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "insaf.web.observatory"
    label = "observatory"
    verbose_name = "Social Observatory"

    def ready(self) -> None:
        from insaf.web.core.public_cache import public_views

        # Pages, downloads and API answers that show only published data: the same
        # for every anonymous visitor (cached per public version and language).
        public_views(
            *(
                f"observatory:{name}"
                for name in (
                    "home",
                    "frameworks",
                    "framework",
                    "indicators",
                    "indicator",
                    "indicator_csv",
                    "indicator_sdmx",
                    "behind",
                    "search",
                    "downloads",
                    "all_csv",
                    "all_sdmx",
                )
            ),
            *(
                f"sdmx:{name}"
                for name in (
                    "data",
                    "data_key",
                    "data_provider",
                    "structure",
                    "structure_id",
                    "structure_agency",
                    "structure_all",
                    "structure_v2",
                    "structure_v2_id",
                    "structure_v2_agency",
                    "structure_v2_all",
                )
            ),
            *(
                f"api:{name}"
                for name in (
                    "list_frameworks",
                    "list_indicators",
                    "get_indicator",
                    "list_observations",
                    "list_progress",
                )
            ),
        )
