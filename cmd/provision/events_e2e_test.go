package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

const corpWebhookURL = "https://hooks.example.com/services/T1/B2/w3bh00k-Tok3n-never-shown"

func corpEvents(t *testing.T) (*cli, string) {
	t.Helper()
	data, err := os.ReadFile("../../manifests/corp-events.yaml")
	require.NoError(t, err)
	c := newCLI(t)
	c.env["CORP_WEBHOOK_URL"] = corpWebhookURL
	return c, writeManifest(t, string(data))
}

// Notifications as code: a webhook transport with its body mapping, a rule
// for Corp Admins at alert severity bound to an event matcher on
// login_failed, applied and planned empty; on the wire, what was declared.
func TestCorpEventsEndToEnd(t *testing.T) {
	t.Parallel()
	c, path := corpEvents(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	assert.Equal(t, map[string]any{"name": "corp-webhook", "mode": "webhook", "webhook_url": corpWebhookURL,
		"webhook_mapping_body": "corp-webhook-body", "webhook_mapping_headers": nil,
		"email_subject_prefix": "authentik Notification: ", "email_template": "email/event_notification.html", "send_once": true},
		c.emu.NotificationFields("transport", "corp-webhook"))
	assert.Equal(t, map[string]any{"name": "corp-login-failed", "severity": "alert", "destination_group": "Corp Admins",
		"transports": []string{"corp-webhook", "default-local-transport"}, "destination_event_user": false},
		c.emu.NotificationFields("rule", "corp-login-failed"))
	assert.Equal(t, []emulator.PolicyBinding{{Binds: "policy:corp-match-login-failed", Enabled: true, Timeout: 30}},
		c.emu.PolicyBindingsOn("notification rule", "corp-login-failed"))
	typ, fields := c.emu.PolicyFields("corp-match-login-failed")
	assert.Equal(t, "event_matcher", typ)
	assert.Equal(t, "login_failed", fields["action"])
	m := wireOne(t, c, "propertymappings/notification/", url.Values{"name": {"corp-webhook-body"}})
	assert.Contains(t, m["expression"], "notification.severity")

	// A new webhook URL is a masked change of the transport alone.
	c.env["CORP_WEBHOOK_URL"] = corpWebhookURL + "-rotated"
	r = c.run("plan", "-f", path, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"update", "notification transport", "corp-webhook"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
	assert.NotContains(t, r.out, "w3bh00k-Tok3n")
}

// The webhook URL appears in no output, and a literal one is refused at
// its line without its value.
func TestCorpEventsWebhookURLNeverShown(t *testing.T) {
	t.Parallel()
	c, path := corpEvents(t)
	outs := everyCommandsOutput(t, c, path)
	// A saved plan, and the apply of it, hold no URL either.
	saved := filepath.Join(t.TempDir(), "plan.json")
	c.env["CORP_WEBHOOK_URL"] = corpWebhookURL + "-rotated"
	r := c.run("plan", "-f", path, "--out", saved)
	require.Equal(t, exitOK, r.code, r.err)
	outs = append(outs, r.out, r.err, string(mustRead(t, saved)))
	r = c.run("apply", saved)
	require.Equal(t, exitOK, r.code, r.err)
	outs = append(outs, r.out, r.err)
	assert.Equal(t, corpWebhookURL+"-rotated", c.emu.NotificationFields("transport", "corp-webhook")["webhook_url"])
	all := strings.Join(outs, "\n")
	assert.NotContains(t, all, "w3bh00k-Tok3n")
	assert.Contains(t, outs[2], "webhook_url")

	literal := writeManifest(t, strings.Replace(string(mustRead(t, "../../manifests/corp-events.yaml")),
		"webhook_url: ${CORP_WEBHOOK_URL}", "webhook_url: https://hooks.example.com/plain-literal", 1))
	fresh := newCLI(t)
	fresh.env["CORP_WEBHOOK_URL"] = corpWebhookURL
	r = fresh.run("plan", "-f", literal)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "webhook_url is a secret and comes only from a sensitive variable")
	assert.NotContains(t, r.err, "plain-literal")
	assert.Zero(t, fresh.emu.Writes())
}

// export --all holds what the example made, and a plan of it is empty.
func TestCorpEventsExportRoundTrip(t *testing.T) {
	t.Parallel()
	c, path := corpEvents(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	for _, want := range []string{"notification_transports:", "name: corp-webhook", "mode: webhook", "webhook_mapping_body: corp-webhook-body",
		"send_once: true", "notification_rules:", "name: corp-login-failed", "severity: alert", "destination_group: Corp Admins",
		"- corp-webhook", "- default-local-transport", "policy: corp-match-login-failed", "type: event_matcher", "action: login_failed",
		"name: corp-webhook-body", "type: notification", "webhook_url is not exported"} {
		assert.Contains(t, r.out, want)
	}
	r = c.run("plan", "-f", writeManifest(t, r.out), "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)
}

// authentik's own transports, rules, event matchers and their bindings
// (events-default.yaml) survive a stack that edited them, even one it
// re-created after an admin deleted it, and then dropped everything: a
// manifest may edit them, a prune never deletes them.
func TestDefaultNotificationRulesSurvivePrune(t *testing.T) {
	t.Parallel()
	c, path := corpEvents(t)
	body := string(mustRead(t, "../../manifests/corp-events.yaml")) + `  - name: default-notify-update
    severity: warning
    policies:
      - {policy: corp-match-login-failed, order: 5}
`
	edited := writeManifest(t, strings.Replace(body, "notification_transports:\n", `notification_transports:
  - name: default-email-transport
    email_subject_prefix: "[corp]"
`, 1))
	_ = path
	// An admin deleted default-notify-update: the stack creates it again,
	// and it is still authentik's own (its blueprint makes it).
	rule := wireOne(t, c, "events/rules/", url.Values{"name": {"default-notify-update"}})
	_, err := c.api().EventsApi.EventsRulesDestroy(t.Context(), rule["pk"].(string)).Execute()
	require.NoError(t, err)
	r := c.run("apply", "-f", edited, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, "warning", c.emu.NotificationFields("rule", "default-notify-update")["severity"])
	assert.Equal(t, "[corp]", c.emu.NotificationFields("transport", "default-email-transport")["email_subject_prefix"])
	require.Len(t, c.emu.PolicyBindingsOn("notification rule", "default-notify-update"), 1)

	empty := writeManifest(t, "version: 1\nstack: corp-events\n")
	r = c.run("plan", "-f", empty, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	var deleted []string
	for _, ch := range planJSON(t, r.out) {
		if ch.Action == "delete" {
			deleted = append(deleted, ch.Kind+" "+ch.Key)
		}
	}
	assert.ElementsMatch(t, []string{"group Corp Admins", "property mapping corp-webhook-body", "policy corp-match-login-failed",
		"notification transport corp-webhook", "notification rule corp-login-failed"}, deleted,
		"the bindings go with their policy (on_delete=CASCADE)")
	r = c.run("apply", "-f", empty, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)

	for _, name := range []string{"default-email-transport", "default-local-transport"} {
		assert.NotNil(t, c.emu.NotificationFields("transport", name), name)
	}
	for _, name := range []string{"default-notify-configuration-error", "default-notify-configuration-warning", "default-notify-update", "default-notify-exception"} {
		assert.NotNil(t, c.emu.NotificationFields("rule", name), name)
	}
	assert.Empty(t, c.emu.PolicyBindingsOn("notification rule", "default-notify-update"), "the corp policy's binding went with it")
	assert.Len(t, c.emu.PolicyBindingsOn("notification rule", "default-notify-exception"), 2)
	for _, name := range []string{"default-match-configuration-error", "default-match-configuration-warning", "default-match-update",
		"default-match-policy-exception", "default-match-property-mapping-exception"} {
		typ, _ := c.emu.PolicyFields(name)
		assert.Equal(t, "event_matcher", typ, name)
	}
	assert.Equal(t, exitOK, c.run("plan", "-f", empty, "--detailed-exitcode").code)
}

// authentik's own event matcher on configuration_warning (an action of
// 2026.2.2 that schema.yml lacks) may be declared and edited.
func TestEditDefaultEventMatcherWithNewerAction(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
policies:
  - name: default-match-configuration-warning
    type: event_matcher
    action: configuration_warning
    execution_logging: true
`)
	r := c.run("plan", "-f", path, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.out+r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"update", "policy", "default-match-configuration-warning"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	_, fields := c.emu.PolicyFields("default-match-configuration-warning")
	assert.Equal(t, true, fields["execution_logging"])
	assert.Equal(t, "configuration_warning", fields["action"])
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}
