#!/bin/sh
# voice_callback_api: callbacks created through the REST API, called back
# by phone, with the customer's window and the call controls.
# - a supervisor creates two callbacks in sales (agent3 only, whose phone
#   is not registered yet): X, whose not_after has passed (a window the
#   customer gave that is over), then Y for 0698765432 within its window;
# - agent3's phone registers: X is offered first and closed as
#   callback-expired without ringing anybody; Y rings agent3's phone,
#   which answers, then the provider gets the INVITE for data.number and
#   answers; the supervisor holds and resumes the call through the API as
#   any call (contact-held, contact-resumed); sales records its calls, so
#   the customer is told and the call recorded (call.recording-started,
#   a WAV under recordings/); the customer hangs up, the agent goes to
#   wrap-up, ends it from the API, and Y is completed;
# - agent4's phone never answers: callback Z rings it and is accepted on
#   the desktop (the API) meanwhile: the phone is CANCELled, nothing is
#   dialled, the agent finishes it there; callback W then rings it until
#   backoffice's offer_timeout: offer-timeout, CANCEL, agent4 not ready
#   (no-answer), W back in line undialled.
# Usage (from the repository root): sh tests/integration/voice_callback_api.sh BIN
name=voice_callback_api
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_config
sed -i 's/- {name: sales, tenant: demo, offer_timeout: 8s, wrapup: 30s}/- {name: sales, tenant: demo, offer_timeout: 8s, wrapup: 30s, record: true}/' \
	"$T/c.yaml"
grep -q "wrapup: 30s, record: true" "$T/c.yaml" || fail "harness: sales does not record"
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
sup=$(login sup sup-pw)

vt_sipp provider 127.0.0.1 -sf "$VT/provider_callback.xml" -m 1
provider_pid=$sipp_pid
[ "$sipp_port" -eq "$PROVIDER_PORT" ] || fail "harness: provider port"

past=$(python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) - d.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
later=$(python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) + d.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
want 201 "$sup" POST /api/v1/contacts "{\"tenant\": \"demo\", \"queue\": \"sales\", \"channel\": \"callback\", \"not_after\": \"$past\", \"data\": {\"number\": \"0611223344\"}}"
keyX=$(field "j['id']")
want 201 "$sup" POST /api/v1/contacts "{\"tenant\": \"demo\", \"queue\": \"sales\", \"channel\": \"callback\", \"not_after\": \"$later\", \"data\": {\"number\": \"0698765432\", \"name\": \"Carla\"}}"
keyY=$(field "j['id']")

calls_phone phone3 agent3
# X: its window is over when it is offered: closed, nobody rung
wait_for_log "event=callback.closed contact=[0-9]+ outcome=callback-expired" 10 ||
	fail "the callback past its not_after was not closed as callback-expired"
want 200 "$sup" GET "/api/v1/contacts/$keyX"
[ "$(field "j.get('outcome')")" = "callback-expired" ] ||
	fail "X's outcome: $(cat "$T/resp")"
[ "$(count_log "event=dial.outside number=0611223344")" -eq 0 ] ||
	fail "the expired callback was dialled"

# Y: the agent's phone, then the customer from data.number
wait_for_log "event=callback.dialing contact=[0-9]+ agent=agent3 number=0698765432" 10 ||
	fail "agent3 answered but data.number was not dialled"
wait_for_log "event=call.bridged contact=[0-9]+ agent=agent3 callback=0698765432" 10 ||
	fail "the customer answered but was not bridged"
grep -q "INVITE sip:0698765432@127.0.0.1:$PROVIDER_PORT" "$T/provider.msg" ||
	fail "the provider was not asked for 0698765432"
grep -q '^From: "Callback 0698765432"' "$T/phone3.msg" ||
	fail "agent3's phone did not show the callback"

# recorded as any call of sales, once the customer was told
wait_for_log "event=call.recording-started contact=[0-9]+ tenant=demo queue=sales agent=agent3" 10 ||
	fail "the callback's call was not recorded"

# the call controls of any call, and the call as the API shows it
want 200 "$sup" GET "/api/v1/contacts/$keyY"
[ "$(field "(j['call']['bridged'], j['call']['from'], j['state'])")" = \
	"(True, '0698765432', 'connected')" ] ||
	fail "Y's call in the API: $(cat "$T/resp")"
want 200 "$sup" POST "/api/v1/contacts/$keyY/hold" '{}'
wait_for_log "event=contact-held .*agent=agent3 channel=callback" 5 ||
	fail "no contact-held for the callback's call"
want 200 "$sup" POST "/api/v1/contacts/$keyY/resume" '{}'
wait_for_log "event=contact-resumed .*agent=agent3 channel=callback" 5 ||
	fail "no contact-resumed for the callback's call"

# the customer hangs up (after 4 s): wrap-up, ended from the API
vt_sipp_wait "$provider_pid" provider 20 "the provider's call did not end normally"
wait_for_log "event=contact-wrapup .*agent=agent3 channel=callback" 5 ||
	fail "agent3 did not go to wrap-up after the callback's call"
want 200 "$sup" POST "/api/v1/contacts/$keyY/wrapup-done" '{"agent": "agent3", "disposition": "called-back"}'
wait_for_log "event=contact-completed .*agent=agent3 channel=callback" 5 ||
	fail "the callback did not complete"
want 200 "$sup" GET "/api/v1/contacts/$keyY"
[ "$(field "j.get('outcome')")" = "completed" ] ||
	fail "Y's outcome: $(cat "$T/resp")"
wait_for_log "event=call.recording-ended" 5 || fail "the recording did not end"

# Z accepted on the desktop while the phone rings; W not answered at all
want 201 "$sup" POST /api/v1/contacts '{"tenant": "demo", "queue": "backoffice", "channel": "callback", "data": {"number": "0611223344"}}'
keyZ=$(field "j['id']")
calls_phone phone4 agent4 "$VT/noanswer.xml"
wait_for_log "event=call.ringing contact=[0-9]+ agent=agent4 phones=1" 10 ||
	fail "agent4's phone did not ring for callback Z"
want 200 "$sup" POST "/api/v1/contacts/$keyZ/accept" '{"agent": "agent4"}'
i=0
while ! grep -q "^CANCEL sip:agent4@" "$T/phone4.msg" 2>/dev/null; do
	[ $i -lt 50 ] || fail "agent4's phone was not CANCELled after the desktop's accept"
	sleep 0.1
	i=$((i + 1))
done
want 200 "$sup" POST "/api/v1/contacts/$keyZ/finish" '{"agent": "agent4"}'
[ "$(count_log "event=dial.outside number=0611223344")" -eq 0 ] ||
	fail "a callback accepted on the desktop was dialled"
want 201 "$sup" POST /api/v1/contacts '{"tenant": "demo", "queue": "backoffice", "channel": "callback", "data": {"number": "0611223355"}}'
keyW=$(field "j['id']")
want 200 "$sup" POST "/api/v1/contacts/$keyZ/wrapup-done" '{"agent": "agent4"}'
wait_for_log "event=offer-timeout .*queue=backoffice agent=agent4 channel=callback" 15 ||
	fail "callback W's offer to agent4 did not time out"
i=0
while [ "$(grep -c "^CANCEL sip:agent4@" "$T/phone4.msg")" -lt 2 ]; do
	[ $i -lt 50 ] || fail "agent4's phone was not CANCELled at the offer timeout"
	sleep 0.1
	i=$((i + 1))
done
want 200 "$sup" GET "/api/v1/contacts/$keyW"
[ "$(field "j['state']")" = "waiting" ] || fail "W after the timeout: $(cat "$T/resp")"
[ "$(count_log "event=dial.outside number=0611223355")" -eq 0 ] ||
	fail "an unanswered offer dialled the customer"
wav=$(ls "$T"/recordings/*.wav 2>/dev/null | head -n 1)
[ -n "$wav" ] && [ "$(stat -c %s "$wav")" -gt 8044 ] ||
	fail "no recording of the callback's call under recordings/"
ok "API callbacks: expired one closed unrung, the other dialled from data.number, recorded, held, resumed, completed; accepted on the desktop while ringing: phone CANCELled, nothing dialled; unanswered: offer-timeout, CANCEL, back in line"
vt_alive || fail "the daemon died"
echo "$name: ok"
