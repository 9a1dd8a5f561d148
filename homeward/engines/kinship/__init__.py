"""Homeward DNA kinship engine: STR likelihood ratios, database search, Y-STR lineage search.

Framework-free (numpy/scipy). Public API:

* ``FrequencyTable`` / ``MinFrequencyRule`` — allele frequencies, CSV loader, min-frequency rule.
* ``Profile`` / ``parse_genotype`` — STR profiles.
* ``MutationSpec`` / ``mutation_matrix`` — pedmut mutation models.
* ``compute_lr`` / ``HYPOTHESES`` / ``Options`` / ``Thresholds`` / ``LRResult`` — case LRs.
* ``Pedigree`` / ``Person`` / ``likelihood`` — the exact pedigree engine underneath.
* ``ReferenceIndex`` / ``merge_results`` / ``Candidate`` / ``SearchResult`` — database search.
* ``YHaplotypeIndex`` / ``LineageMatch`` — Y-STR lineage leads.
"""

from .frequencies import FrequencyError, FrequencyTable, MinFrequencyRule, PreparedLocus
from .hypotheses import HYPOTHESES, KinshipInputError, LRResult, Options, Thresholds, compute_lr
from .mutation import MutationError, MutationSpec, mutation_matrix
from .pedigree import Pedigree, Person, likelihood
from .profiles import Profile, ProfileError, parse_genotype
from .search import Candidate, ReferenceIndex, SearchIndexError, SearchResult, family_pedigrees, merge_results
from .ystr import LineageMatch, YHaplotypeIndex

__all__ = [
    "HYPOTHESES",
    "Candidate",
    "FrequencyError",
    "FrequencyTable",
    "KinshipInputError",
    "LRResult",
    "LineageMatch",
    "MinFrequencyRule",
    "MutationError",
    "MutationSpec",
    "Options",
    "Pedigree",
    "Person",
    "PreparedLocus",
    "Profile",
    "ProfileError",
    "ReferenceIndex",
    "SearchIndexError",
    "SearchResult",
    "Thresholds",
    "YHaplotypeIndex",
    "compute_lr",
    "family_pedigrees",
    "likelihood",
    "merge_results",
    "mutation_matrix",
    "parse_genotype",
]
