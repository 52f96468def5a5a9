"""Contains all the data models used in inputs/outputs"""

from .accept_in import AcceptIn
from .accepted_out import AcceptedOut
from .actor_out import ActorOut
from .api_key_in import ApiKeyIn
from .api_key_in_scope import ApiKeyInScope
from .api_key_out import ApiKeyOut
from .api_key_out_scope import ApiKeyOutScope
from .asset_in import AssetIn
from .asset_out import AssetOut
from .asset_patch import AssetPatch
from .attempt_out import AttemptOut
from .attempt_out_outcome import AttemptOutOutcome
from .audit_entry_out import AuditEntryOut
from .audit_entry_out_changes import AuditEntryOutChanges
from .auto_pairing_out import AutoPairingOut
from .auto_pairing_out_state import AutoPairingOutState
from .batch_detail_out import BatchDetailOut
from .batch_detail_out_status import BatchDetailOutStatus
from .batch_out import BatchOut
from .batch_out_status import BatchOutStatus
from .beyond_retention_problem import BeyondRetentionProblem
from .bulk_assets_in import BulkAssetsIn
from .bulk_assets_out import BulkAssetsOut
from .bulk_item_out import BulkItemOut
from .bulk_item_out_status import BulkItemOutStatus
from .candidate_out import CandidateOut
from .candidate_out_rule import CandidateOutRule
from .counters_out import CountersOut
from .datahub_asset_event_batch_v1 import DatahubAssetEventBatchV1
from .datahub_asset_event_batch_v2 import DatahubAssetEventBatchV2
from .delivery_hour_out import DeliveryHourOut
from .diagnosis_out import DiagnosisOut
from .diagnosis_out_outcome import DiagnosisOutOutcome
from .diagnosis_out_rule import DiagnosisOutRule
from .event_type import EventType
from .event_type_out import EventTypeOut
from .event_type_out_example import EventTypeOutExample
from .event_type_out_examples import EventTypeOutExamples
from .event_type_out_examples_additional_property import (
    EventTypeOutExamplesAdditionalProperty,
)
from .event_type_out_schema import EventTypeOutSchema
from .event_types_out import EventTypesOut
from .feed_in import FeedIn
from .feed_in_event_names_item import FeedInEventNamesItem
from .feed_in_eventversion import FeedInEventversion
from .feed_out import FeedOut
from .feed_out_event_names_item import FeedOutEventNamesItem
from .feed_out_eventversion import FeedOutEventversion
from .feed_out_state import FeedOutState
from .feed_poll_out import FeedPollOut
from .health import Health
from .health_checks import HealthChecks
from .health_status import HealthStatus
from .invitation_in import InvitationIn
from .invitation_in_role import InvitationInRole
from .invitation_out import InvitationOut
from .invitation_out_role import InvitationOutRole
from .jwk_out import JwkOut
from .jwk_out_alg import JwkOutAlg
from .jwk_out_crv import JwkOutCrv
from .jwk_out_kty import JwkOutKty
from .jwk_out_use import JwkOutUse
from .jwk_set_out import JwkSetOut
from .last_day_out import LastDayOut
from .latency_out import LatencyOut
from .list_batches_status_type_0 import ListBatchesStatusType0
from .list_units_state_type_0 import ListUnitsStateType0
from .location_in import LocationIn
from .location_out import LocationOut
from .member_out import MemberOut
from .member_out_role import MemberOutRole
from .member_patch import MemberPatch
from .member_patch_role import MemberPatchRole
from .membership_out import MembershipOut
from .membership_out_role import MembershipOutRole
from .mqtt_out import MqttOut
from .new_api_key_out import NewApiKeyOut
from .new_api_key_out_scope import NewApiKeyOutScope
from .new_invitation_out import NewInvitationOut
from .new_invitation_out_role import NewInvitationOutRole
from .o_auth_2_client_credentials_in import OAuth2ClientCredentialsIn
from .o_auth_2_client_credentials_in_type import OAuth2ClientCredentialsInType
from .o_auth_2_client_credentials_out import OAuth2ClientCredentialsOut
from .o_auth_2_client_credentials_out_type import OAuth2ClientCredentialsOutType
from .organization_in import OrganizationIn
from .organization_out import OrganizationOut
from .organization_patch import OrganizationPatch
from .overview_out import OverviewOut
from .page_out_api_key_out import PageOutApiKeyOut
from .page_out_asset_out import PageOutAssetOut
from .page_out_audit_entry_out import PageOutAuditEntryOut
from .page_out_batch_out import PageOutBatchOut
from .page_out_diagnosis_out import PageOutDiagnosisOut
from .page_out_feed_item_out import PageOutFeedItemOut
from .page_out_feed_out import PageOutFeedOut
from .page_out_invitation_out import PageOutInvitationOut
from .page_out_member_out import PageOutMemberOut
from .page_out_organization_out import PageOutOrganizationOut
from .page_out_pairing_history_out import PageOutPairingHistoryOut
from .page_out_pairing_out import PageOutPairingOut
from .page_out_person_out import PageOutPersonOut
from .page_out_subscription_out import PageOutSubscriptionOut
from .page_out_unit_out import PageOutUnitOut
from .page_out_unknown_unit_out import PageOutUnknownUnitOut
from .pairing_history_out import PairingHistoryOut
from .pairing_in import PairingIn
from .pairing_out import PairingOut
from .person_out import PersonOut
from .person_patch import PersonPatch
from .problem import Problem
from .problem_code import ProblemCode
from .problem_errors_item import ProblemErrorsItem
from .reason import Reason
from .recover_in import RecoverIn
from .recover_out import RecoverOut
from .rejection_out import RejectionOut
from .reset_out import ResetOut
from .secret_in import SecretIn
from .subscription_health_out import SubscriptionHealthOut
from .subscription_in import SubscriptionIn
from .subscription_in_customheaders import SubscriptionInCustomheaders
from .subscription_in_event_names_item import SubscriptionInEventNamesItem
from .subscription_in_eventgroup import SubscriptionInEventgroup
from .subscription_in_eventversion import SubscriptionInEventversion
from .subscription_in_signaturealgorithm import SubscriptionInSignaturealgorithm
from .subscription_out import SubscriptionOut
from .subscription_out_event_names_item import SubscriptionOutEventNamesItem
from .subscription_out_eventgroup import SubscriptionOutEventgroup
from .subscription_out_eventversion import SubscriptionOutEventversion
from .subscription_out_signaturealgorithm import SubscriptionOutSignaturealgorithm
from .subscription_out_state import SubscriptionOutState
from .subscription_patch import SubscriptionPatch
from .subscription_patch_customheaders import SubscriptionPatchCustomheaders
from .subscription_patch_event_names_item import SubscriptionPatchEventNamesItem
from .subscription_patch_eventversion import SubscriptionPatchEventversion
from .subscription_patch_state import SubscriptionPatchState
from .subscription_secret_out import SubscriptionSecretOut
from .subscription_secret_out_event_names_item import (
    SubscriptionSecretOutEventNamesItem,
)
from .subscription_secret_out_eventgroup import SubscriptionSecretOutEventgroup
from .subscription_secret_out_eventversion import SubscriptionSecretOutEventversion
from .subscription_secret_out_signaturealgorithm import (
    SubscriptionSecretOutSignaturealgorithm,
)
from .subscription_secret_out_state import SubscriptionSecretOutState
from .target_out import TargetOut
from .test_delivery_out import TestDeliveryOut
from .unit_counts_out import UnitCountsOut
from .unit_counts_out_bystate import UnitCountsOutBystate
from .unit_in import UnitIn
from .unit_message_in import UnitMessageIn
from .unit_messages_in import UnitMessagesIn
from .unit_messages_out import UnitMessagesOut
from .unit_out import UnitOut
from .unit_paired_auto_pair_event_data_v1 import UnitPairedAutoPairEventDataV1
from .unit_paired_auto_pair_event_data_v1_location import (
    UnitPairedAutoPairEventDataV1Location,
)
from .unit_paired_auto_pair_event_data_v1_reason import (
    UnitPairedAutoPairEventDataV1Reason,
)
from .unit_paired_auto_pair_event_data_v1_status import (
    UnitPairedAutoPairEventDataV1Status,
)
from .unit_paired_auto_pair_event_data_v2 import UnitPairedAutoPairEventDataV2
from .unit_paired_auto_pair_event_data_v2_location import (
    UnitPairedAutoPairEventDataV2Location,
)
from .unit_paired_auto_pair_event_data_v2_reason import (
    UnitPairedAutoPairEventDataV2Reason,
)
from .unit_paired_auto_pair_event_data_v2_status import (
    UnitPairedAutoPairEventDataV2Status,
)
from .unit_paired_invalid_data_event_data_v1 import UnitPairedInvalidDataEventDataV1
from .unit_paired_invalid_data_event_data_v1_location import (
    UnitPairedInvalidDataEventDataV1Location,
)
from .unit_paired_invalid_data_event_data_v1_reason import (
    UnitPairedInvalidDataEventDataV1Reason,
)
from .unit_paired_invalid_data_event_data_v1_status import (
    UnitPairedInvalidDataEventDataV1Status,
)
from .unit_paired_invalid_data_event_data_v2 import UnitPairedInvalidDataEventDataV2
from .unit_paired_invalid_data_event_data_v2_location import (
    UnitPairedInvalidDataEventDataV2Location,
)
from .unit_paired_invalid_data_event_data_v2_reason import (
    UnitPairedInvalidDataEventDataV2Reason,
)
from .unit_paired_invalid_data_event_data_v2_status import (
    UnitPairedInvalidDataEventDataV2Status,
)
from .unit_paired_manual_pair_event_data_v1 import UnitPairedManualPairEventDataV1
from .unit_paired_manual_pair_event_data_v1_reason import (
    UnitPairedManualPairEventDataV1Reason,
)
from .unit_paired_manual_pair_event_data_v1_status import (
    UnitPairedManualPairEventDataV1Status,
)
from .unit_paired_manual_pair_event_data_v2 import UnitPairedManualPairEventDataV2
from .unit_paired_manual_pair_event_data_v2_reason import (
    UnitPairedManualPairEventDataV2Reason,
)
from .unit_paired_manual_pair_event_data_v2_status import (
    UnitPairedManualPairEventDataV2Status,
)
from .unit_paired_multiple_match_found_event_data_v1 import (
    UnitPairedMultipleMatchFoundEventDataV1,
)
from .unit_paired_multiple_match_found_event_data_v1_location import (
    UnitPairedMultipleMatchFoundEventDataV1Location,
)
from .unit_paired_multiple_match_found_event_data_v1_reason import (
    UnitPairedMultipleMatchFoundEventDataV1Reason,
)
from .unit_paired_multiple_match_found_event_data_v1_status import (
    UnitPairedMultipleMatchFoundEventDataV1Status,
)
from .unit_paired_multiple_match_found_event_data_v2 import (
    UnitPairedMultipleMatchFoundEventDataV2,
)
from .unit_paired_multiple_match_found_event_data_v2_location import (
    UnitPairedMultipleMatchFoundEventDataV2Location,
)
from .unit_paired_multiple_match_found_event_data_v2_reason import (
    UnitPairedMultipleMatchFoundEventDataV2Reason,
)
from .unit_paired_multiple_match_found_event_data_v2_status import (
    UnitPairedMultipleMatchFoundEventDataV2Status,
)
from .unit_paired_not_found_event_data_v1 import UnitPairedNotFoundEventDataV1
from .unit_paired_not_found_event_data_v1_location import (
    UnitPairedNotFoundEventDataV1Location,
)
from .unit_paired_not_found_event_data_v1_reason import (
    UnitPairedNotFoundEventDataV1Reason,
)
from .unit_paired_not_found_event_data_v1_status import (
    UnitPairedNotFoundEventDataV1Status,
)
from .unit_paired_not_found_event_data_v2 import UnitPairedNotFoundEventDataV2
from .unit_paired_not_found_event_data_v2_location import (
    UnitPairedNotFoundEventDataV2Location,
)
from .unit_paired_not_found_event_data_v2_reason import (
    UnitPairedNotFoundEventDataV2Reason,
)
from .unit_paired_not_found_event_data_v2_status import (
    UnitPairedNotFoundEventDataV2Status,
)
from .unit_paired_unknown_event_data_v1 import UnitPairedUnknownEventDataV1
from .unit_paired_unknown_event_data_v1_location import (
    UnitPairedUnknownEventDataV1Location,
)
from .unit_paired_unknown_event_data_v1_reason import UnitPairedUnknownEventDataV1Reason
from .unit_paired_unknown_event_data_v1_status import UnitPairedUnknownEventDataV1Status
from .unit_paired_unknown_event_data_v2 import UnitPairedUnknownEventDataV2
from .unit_paired_unknown_event_data_v2_location import (
    UnitPairedUnknownEventDataV2Location,
)
from .unit_paired_unknown_event_data_v2_reason import UnitPairedUnknownEventDataV2Reason
from .unit_paired_unknown_event_data_v2_status import UnitPairedUnknownEventDataV2Status
from .unit_unpaired_event_data_v1 import UnitUnpairedEventDataV1
from .unknown_unit_out import UnknownUnitOut
from .v1_unit_paired_event import V1UnitPairedEvent
from .v1_unit_paired_event_event_type import V1UnitPairedEventEventType
from .v1_unit_paired_event_event_version import V1UnitPairedEventEventVersion
from .v1_unit_paired_feed_item import V1UnitPairedFeedItem
from .v1_unit_paired_feed_item_event_type import V1UnitPairedFeedItemEventType
from .v1_unit_paired_feed_item_event_version import V1UnitPairedFeedItemEventVersion
from .v1_unit_unpaired_event import V1UnitUnpairedEvent
from .v1_unit_unpaired_event_event_type import V1UnitUnpairedEventEventType
from .v1_unit_unpaired_event_event_version import V1UnitUnpairedEventEventVersion
from .v1_unit_unpaired_feed_item import V1UnitUnpairedFeedItem
from .v1_unit_unpaired_feed_item_event_type import V1UnitUnpairedFeedItemEventType
from .v1_unit_unpaired_feed_item_event_version import V1UnitUnpairedFeedItemEventVersion
from .v2_unit_paired_event import V2UnitPairedEvent
from .v2_unit_paired_event_event_type import V2UnitPairedEventEventType
from .v2_unit_paired_event_event_version import V2UnitPairedEventEventVersion
from .v2_unit_paired_feed_item import V2UnitPairedFeedItem
from .v2_unit_paired_feed_item_event_type import V2UnitPairedFeedItemEventType
from .v2_unit_paired_feed_item_event_version import V2UnitPairedFeedItemEventVersion
from .waiting_out import WaitingOut

__all__ = (
    "AcceptIn",
    "AcceptedOut",
    "ActorOut",
    "ApiKeyIn",
    "ApiKeyInScope",
    "ApiKeyOut",
    "ApiKeyOutScope",
    "AssetIn",
    "AssetOut",
    "AssetPatch",
    "AttemptOut",
    "AttemptOutOutcome",
    "AuditEntryOut",
    "AuditEntryOutChanges",
    "AutoPairingOut",
    "AutoPairingOutState",
    "BatchDetailOut",
    "BatchDetailOutStatus",
    "BatchOut",
    "BatchOutStatus",
    "BeyondRetentionProblem",
    "BulkAssetsIn",
    "BulkAssetsOut",
    "BulkItemOut",
    "BulkItemOutStatus",
    "CandidateOut",
    "CandidateOutRule",
    "CountersOut",
    "DatahubAssetEventBatchV1",
    "DatahubAssetEventBatchV2",
    "DeliveryHourOut",
    "DiagnosisOut",
    "DiagnosisOutOutcome",
    "DiagnosisOutRule",
    "EventType",
    "EventTypeOut",
    "EventTypeOutExample",
    "EventTypeOutExamples",
    "EventTypeOutExamplesAdditionalProperty",
    "EventTypeOutSchema",
    "EventTypesOut",
    "FeedIn",
    "FeedInEventNamesItem",
    "FeedInEventversion",
    "FeedOut",
    "FeedOutEventNamesItem",
    "FeedOutEventversion",
    "FeedOutState",
    "FeedPollOut",
    "Health",
    "HealthChecks",
    "HealthStatus",
    "InvitationIn",
    "InvitationInRole",
    "InvitationOut",
    "InvitationOutRole",
    "JwkOut",
    "JwkOutAlg",
    "JwkOutCrv",
    "JwkOutKty",
    "JwkOutUse",
    "JwkSetOut",
    "LastDayOut",
    "LatencyOut",
    "ListBatchesStatusType0",
    "ListUnitsStateType0",
    "LocationIn",
    "LocationOut",
    "MemberOut",
    "MemberOutRole",
    "MemberPatch",
    "MemberPatchRole",
    "MembershipOut",
    "MembershipOutRole",
    "MqttOut",
    "NewApiKeyOut",
    "NewApiKeyOutScope",
    "NewInvitationOut",
    "NewInvitationOutRole",
    "OAuth2ClientCredentialsIn",
    "OAuth2ClientCredentialsInType",
    "OAuth2ClientCredentialsOut",
    "OAuth2ClientCredentialsOutType",
    "OrganizationIn",
    "OrganizationOut",
    "OrganizationPatch",
    "OverviewOut",
    "PageOutApiKeyOut",
    "PageOutAssetOut",
    "PageOutAuditEntryOut",
    "PageOutBatchOut",
    "PageOutDiagnosisOut",
    "PageOutFeedItemOut",
    "PageOutFeedOut",
    "PageOutInvitationOut",
    "PageOutMemberOut",
    "PageOutOrganizationOut",
    "PageOutPairingHistoryOut",
    "PageOutPairingOut",
    "PageOutPersonOut",
    "PageOutSubscriptionOut",
    "PageOutUnitOut",
    "PageOutUnknownUnitOut",
    "PairingHistoryOut",
    "PairingIn",
    "PairingOut",
    "PersonOut",
    "PersonPatch",
    "Problem",
    "ProblemCode",
    "ProblemErrorsItem",
    "Reason",
    "RecoverIn",
    "RecoverOut",
    "RejectionOut",
    "ResetOut",
    "SecretIn",
    "SubscriptionHealthOut",
    "SubscriptionIn",
    "SubscriptionInCustomheaders",
    "SubscriptionInEventNamesItem",
    "SubscriptionInEventgroup",
    "SubscriptionInEventversion",
    "SubscriptionInSignaturealgorithm",
    "SubscriptionOut",
    "SubscriptionOutEventNamesItem",
    "SubscriptionOutEventgroup",
    "SubscriptionOutEventversion",
    "SubscriptionOutSignaturealgorithm",
    "SubscriptionOutState",
    "SubscriptionPatch",
    "SubscriptionPatchCustomheaders",
    "SubscriptionPatchEventNamesItem",
    "SubscriptionPatchEventversion",
    "SubscriptionPatchState",
    "SubscriptionSecretOut",
    "SubscriptionSecretOutEventNamesItem",
    "SubscriptionSecretOutEventgroup",
    "SubscriptionSecretOutEventversion",
    "SubscriptionSecretOutSignaturealgorithm",
    "SubscriptionSecretOutState",
    "TargetOut",
    "TestDeliveryOut",
    "UnitCountsOut",
    "UnitCountsOutBystate",
    "UnitIn",
    "UnitMessageIn",
    "UnitMessagesIn",
    "UnitMessagesOut",
    "UnitOut",
    "UnitPairedAutoPairEventDataV1",
    "UnitPairedAutoPairEventDataV1Location",
    "UnitPairedAutoPairEventDataV1Reason",
    "UnitPairedAutoPairEventDataV1Status",
    "UnitPairedAutoPairEventDataV2",
    "UnitPairedAutoPairEventDataV2Location",
    "UnitPairedAutoPairEventDataV2Reason",
    "UnitPairedAutoPairEventDataV2Status",
    "UnitPairedInvalidDataEventDataV1",
    "UnitPairedInvalidDataEventDataV1Location",
    "UnitPairedInvalidDataEventDataV1Reason",
    "UnitPairedInvalidDataEventDataV1Status",
    "UnitPairedInvalidDataEventDataV2",
    "UnitPairedInvalidDataEventDataV2Location",
    "UnitPairedInvalidDataEventDataV2Reason",
    "UnitPairedInvalidDataEventDataV2Status",
    "UnitPairedManualPairEventDataV1",
    "UnitPairedManualPairEventDataV1Reason",
    "UnitPairedManualPairEventDataV1Status",
    "UnitPairedManualPairEventDataV2",
    "UnitPairedManualPairEventDataV2Reason",
    "UnitPairedManualPairEventDataV2Status",
    "UnitPairedMultipleMatchFoundEventDataV1",
    "UnitPairedMultipleMatchFoundEventDataV1Location",
    "UnitPairedMultipleMatchFoundEventDataV1Reason",
    "UnitPairedMultipleMatchFoundEventDataV1Status",
    "UnitPairedMultipleMatchFoundEventDataV2",
    "UnitPairedMultipleMatchFoundEventDataV2Location",
    "UnitPairedMultipleMatchFoundEventDataV2Reason",
    "UnitPairedMultipleMatchFoundEventDataV2Status",
    "UnitPairedNotFoundEventDataV1",
    "UnitPairedNotFoundEventDataV1Location",
    "UnitPairedNotFoundEventDataV1Reason",
    "UnitPairedNotFoundEventDataV1Status",
    "UnitPairedNotFoundEventDataV2",
    "UnitPairedNotFoundEventDataV2Location",
    "UnitPairedNotFoundEventDataV2Reason",
    "UnitPairedNotFoundEventDataV2Status",
    "UnitPairedUnknownEventDataV1",
    "UnitPairedUnknownEventDataV1Location",
    "UnitPairedUnknownEventDataV1Reason",
    "UnitPairedUnknownEventDataV1Status",
    "UnitPairedUnknownEventDataV2",
    "UnitPairedUnknownEventDataV2Location",
    "UnitPairedUnknownEventDataV2Reason",
    "UnitPairedUnknownEventDataV2Status",
    "UnitUnpairedEventDataV1",
    "UnknownUnitOut",
    "V1UnitPairedEvent",
    "V1UnitPairedEventEventType",
    "V1UnitPairedEventEventVersion",
    "V1UnitPairedFeedItem",
    "V1UnitPairedFeedItemEventType",
    "V1UnitPairedFeedItemEventVersion",
    "V1UnitUnpairedEvent",
    "V1UnitUnpairedEventEventType",
    "V1UnitUnpairedEventEventVersion",
    "V1UnitUnpairedFeedItem",
    "V1UnitUnpairedFeedItemEventType",
    "V1UnitUnpairedFeedItemEventVersion",
    "V2UnitPairedEvent",
    "V2UnitPairedEventEventType",
    "V2UnitPairedEventEventVersion",
    "V2UnitPairedFeedItem",
    "V2UnitPairedFeedItemEventType",
    "V2UnitPairedFeedItemEventVersion",
    "WaitingOut",
)
