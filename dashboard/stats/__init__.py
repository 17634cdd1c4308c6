"""Statistics that tell signal from noise (SPEC section 8), by kind: rates against targets
(rates), signals over time (control), units against the overall rate (funnel), key drivers of
satisfaction (drivers) and the effect of corrective actions (capa).

Plain functions on numpy / scipy / pandas, no Streamlit. Rates are fractions in [0, 1].
Undefined results are ``float('nan')`` unless a docstring says ``None``. Callers use
``from dashboard import stats`` and ``stats.<name>``.
"""

from dashboard.stats.capa import capa_effect, capa_effect_many, capa_verdicts
from dashboard.stats.control import mann_kendall, p_chart, western_electric
from dashboard.stats.drivers import ipa_quadrants, spearman_from_counts, spearman_importance, t_interval
from dashboard.stats.funnel import funnel_flags, funnel_limits, overdispersion, standardized
from dashboard.stats.rates import (
    below_target_test,
    composite_interval,
    composite_test,
    holm,
    miss_verdict,
    mover_difference,
    newcombe_diff,
    wilson,
)

__all__ = [
    "below_target_test",
    "capa_effect",
    "capa_effect_many",
    "capa_verdicts",
    "composite_interval",
    "composite_test",
    "funnel_flags",
    "funnel_limits",
    "holm",
    "ipa_quadrants",
    "mann_kendall",
    "miss_verdict",
    "mover_difference",
    "newcombe_diff",
    "overdispersion",
    "p_chart",
    "spearman_from_counts",
    "spearman_importance",
    "standardized",
    "t_interval",
    "wilson",
    "western_electric",
]
