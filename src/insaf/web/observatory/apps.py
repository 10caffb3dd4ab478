from __future__ import annotations

from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "insaf.web.observatory"
    label = "observatory"
    verbose_name = "Social Observatory"

    def ready(self) -> None:
        from insaf.web.core.public_cache import indicator_views, public_views

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
                )
            ),
        )
        # Views of one indicator (its code in the URL): keyed on that indicator alone, so a
        # publish of another indicator leaves them cached.
        indicator_views(
            "observatory:indicator",
            "observatory:indicator_csv",
            "observatory:indicator_sdmx",
            "api:get_indicator",
            "api:list_observations",
            "api:list_progress",
        )
