from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_create, name="create"),
    path("queue/", views.partner_queue, name="queue"),
    path("escalations/", views.escalations, name="escalations"),
    path("access-log/", views.access_log, name="access_log"),
    path("export.csv", views.export_csv, name="export"),
    path("<str:reference>/", views.referral_detail, name="detail"),
    path("<str:reference>/needs/<int:need_id>/route/", views.route_need, name="route"),
    path("<str:reference>/needs/<int:need_id>/reroute/", views.reroute_need, name="reroute"),
    path("<str:reference>/needs/<int:need_id>/withdraw/", views.withdraw_need, name="withdraw_need"),
    path(
        "<str:reference>/routings/<int:routing_id>/withdraw/", views.withdraw_routing, name="withdraw_routing"
    ),
    path("<str:reference>/routings/<int:routing_id>/accept/", views.accept_routing, name="accept"),
    path("<str:reference>/routings/<int:routing_id>/decline/", views.decline_routing, name="decline"),
    path("<str:reference>/routings/<int:routing_id>/complete/", views.complete_routing, name="complete"),
    path("<str:reference>/notes/", views.add_note, name="add_note"),
    path("<str:reference>/follow-ups/", views.add_follow_up, name="add_follow_up"),
    path("<str:reference>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("<str:reference>/consent/withdraw/", views.withdraw_consent, name="withdraw_consent"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/close/", views.close, name="close"),
    path("<str:reference>/purge/", views.purge, name="purge"),
]
