from django.urls import path

from referrals.views import cases, incidents, lists, routings, search

app_name = "referrals"

urlpatterns = [
    path("", lists.referral_list, name="list"),
    path("new/", cases.referral_create, name="create"),
    path("queue/", lists.partner_queue, name="queue"),
    path("escalations/", lists.escalations, name="escalations"),
    path("access-log/", lists.access_log, name="access_log"),
    path("export.csv", lists.export_csv, name="export"),
    path("search/", search.case_search, name="search"),
    path("new/same-phone/", search.same_phone, name="same_phone"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_create, name="incident_create"),
    path("incidents/<int:incident_id>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:incident_id>/live/", incidents.incident_live, name="incident_live"),
    path("incidents/<int:incident_id>/close/", incidents.incident_close, name="incident_close"),
    path("incidents/<int:incident_id>/reopen/", incidents.incident_reopen, name="incident_reopen"),
    path("<str:reference>/", cases.referral_detail, name="detail"),
    path("<str:reference>/incident/", incidents.link_incident, name="link_incident"),
    path("<str:reference>/needs/<int:need_id>/route/", routings.route_need, name="route"),
    path("<str:reference>/needs/<int:need_id>/reroute/", routings.reroute_need, name="reroute"),
    path("<str:reference>/needs/<int:need_id>/withdraw/", routings.withdraw_need, name="withdraw_need"),
    path("<str:reference>/needs/<int:need_id>/elsewhere/", routings.send_elsewhere, name="send_elsewhere"),
    path("<str:reference>/needs/<int:need_id>/elsewhere/send/", routings.send_outside, name="send_outside"),
    path("<str:reference>/needs/<int:need_id>/unmet/", routings.close_unmet, name="close_unmet"),
    path(
        "<str:reference>/routings/<int:routing_id>/phone-answer/", routings.phone_answer, name="phone_answer"
    ),
    path(
        "<str:reference>/routings/<int:routing_id>/phone-outcome/",
        routings.phone_outcome,
        name="phone_outcome",
    ),
    path(
        "<str:reference>/routings/<int:routing_id>/withdraw/",
        routings.withdraw_routing,
        name="withdraw_routing",
    ),
    path("<str:reference>/routings/<int:routing_id>/accept/", routings.accept_routing, name="accept"),
    path("<str:reference>/routings/<int:routing_id>/decline/", routings.decline_routing, name="decline"),
    path("<str:reference>/routings/<int:routing_id>/complete/", routings.complete_routing, name="complete"),
    path("<str:reference>/notes/", cases.add_note, name="add_note"),
    path("<str:reference>/follow-ups/", cases.add_follow_up, name="add_follow_up"),
    path("<str:reference>/follow-ups/<int:follow_up_id>/done/", cases.follow_up_done, name="follow_up_done"),
    path("<str:reference>/consent/withdraw/", cases.withdraw_consent, name="withdraw_consent"),
    path("<str:reference>/assign/", cases.assign, name="assign"),
    path("<str:reference>/close/", cases.close, name="close"),
    path("<str:reference>/purge/", cases.purge, name="purge"),
]
