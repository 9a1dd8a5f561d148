"""Called by the dna app after an examiner's confirmation is countersigned (`dna.services.match_confirmed_hooks`)."""

from __future__ import annotations

from typing import Any

from homeward.tracing import services


def match_confirmed(match: Any) -> None:
    """The query sample against each reference sample of the confirmed DNA match: tracing pairs carrying those
    accessions become confirmed."""
    for reference in match.reference_accessions:
        services.dna_match_confirmed(
            accession_a=match.query_accession,
            accession_b=reference,
            examiner=match.confirmed_by,
            confirmed_at=match.countersigned_at,
            dna_candidate_id=str(match.candidate_id),
        )
