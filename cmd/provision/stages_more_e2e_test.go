package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

const (
	duoSecret      = "duo-client-Sx91-never-shown"
	duoAdminSecret = "duo-admin-Ak42-never-shown"
	smsToken       = "sms-token-Tw77-never-shown"
	smsPassword    = "sms-pass-Gp13-never-shown"
	smtpPassword   = "smtp-pass-Em55-never-shown"
	ghSecret       = "gh-secret-Zz08-never-shown"
)

// mfaManifest is a login flow using the newer stage types: a mutual
// TLS stage trusting a generated CA, a source stage sending the user to
// GitHub, and an authenticator validation stage whose configuration stages
// are Duo, SMS and email setup stages; an unenrollment flow with a user
// delete stage.
const mfaManifest = `version: 1
stack: mfa
variables:
  DUO_SECRET: {sensitive: true}
  DUO_ADMIN_SECRET: {sensitive: true}
  SMS_TOKEN: {sensitive: true}
  SMS_PASSWORD: {sensitive: true}
  SMTP_PASSWORD: {sensitive: true}
  GH_SECRET: {sensitive: true}
certificates:
  - name: corp-client-ca
    generate: {common_name: ca.corp.example, validity_days: 365}
sources:
  - slug: github
    type: oauth
    name: GitHub
    provider_type: github
    consumer_key: Iv1.corp
    consumer_secret: ${GH_SECRET}
stages:
  - name: mfa-duo
    type: authenticator_duo
    client_id: DICORP
    client_secret: ${DUO_SECRET}
    api_hostname: api-1234.duosecurity.com
    admin_integration_key: DIADMIN
    admin_secret_key: ${DUO_ADMIN_SECRET}
  - name: mfa-sms
    type: authenticator_sms
    provider: generic
    from_number: "+15550100"
    account_sid: https://sms.corp.example/send
    auth: ${SMS_TOKEN}
    auth_password: ${SMS_PASSWORD}
    auth_type: basic
    verify_only: true
  - name: mfa-email
    type: authenticator_email
    host: smtp.corp.example
    port: 587
    username: authentik
    password: ${SMTP_PASSWORD}
    use_tls: true
    from_address: login@corp.example
    subject: Your Corp sign-in code
    template: email/email_otp.html
  - name: mfa-validate
    type: authenticator_validate
    device_classes: [duo, sms, email]
    not_configured_action: configure
    configuration_stages: [mfa-duo, mfa-sms, mfa-email]
  - name: corp-mtls
    type: mtls
    mode: optional
    certificate_authorities: [corp-client-ca]
    cert_attribute: email
    user_attribute: email
  - name: corp-github
    type: source
    source: github
    resume_timeout: minutes=5
  - name: corp-offboard
    type: user_delete
flows:
  - slug: corp-mfa
    name: Corp MFA
    title: Sign in to Corp
    designation: authentication
    stages:
      - {stage: corp-mtls, order: 5}
      - {stage: corp-github, order: 10}
      - {stage: mfa-validate, order: 20}
  - slug: corp-offboarding
    name: Corp offboarding
    title: Delete your account
    designation: unenrollment
    stages:
      - {stage: corp-offboard, order: 10}
`

var mfaSecrets = []string{duoSecret, duoAdminSecret, smsToken, smsPassword, smtpPassword, ghSecret}

// mfaCLI is a CLI against an emulator with an enterprise license (the
// source and mutual TLS stages need one) and the manifest's secrets.
func mfaCLI(t *testing.T) (*cli, string) {
	t.Helper()
	srv, emu := emulatortest.NewServer(t, emulator.Options{Enterprise: true})
	c := newCLIFor(t, srv.URL, emu)
	for k, v := range map[string]string{"DUO_SECRET": duoSecret, "DUO_ADMIN_SECRET": duoAdminSecret, "SMS_TOKEN": smsToken,
		"SMS_PASSWORD": smsPassword, "SMTP_PASSWORD": smtpPassword, "GH_SECRET": ghSecret} {
		c.env[k] = v
	}
	return c, writeManifest(t, mfaManifest)
}

// The new stage types apply, a second plan is empty, and on the wire each
// stage holds what was declared: references by name (the CA by its
// certificate name, the source by slug, configuration stages by name),
// the secrets from their variables.
func TestMoreStageTypesEndToEnd(t *testing.T) {
	t.Parallel()
	c, path := mfaCLI(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	b := c.emu.FlowBindings("corp-mfa")
	require.Len(t, b, 3)
	assert.Equal(t, []string{"mtls", "source", "authenticator_validate"}, []string{b[0].StageType, b[1].StageType, b[2].StageType})
	b = c.emu.FlowBindings("corp-offboarding")
	require.Len(t, b, 1)
	assert.Equal(t, "user_delete", b[0].StageType)

	typ, f, ok := c.emu.StageFields("mfa-duo")
	require.True(t, ok)
	assert.Equal(t, "authenticator_duo", typ)
	assert.Equal(t, "DICORP", f["client_id"])
	assert.Equal(t, "api-1234.duosecurity.com", f["api_hostname"])
	assert.Equal(t, duoSecret, f["client_secret"], "the secret is sent on create")
	assert.Equal(t, duoAdminSecret, f["admin_secret_key"])

	typ, f, ok = c.emu.StageFields("mfa-sms")
	require.True(t, ok)
	assert.Equal(t, "authenticator_sms", typ)
	assert.Equal(t, "generic", f["provider"])
	assert.Equal(t, "+15550100", f["from_number"])
	assert.Equal(t, smsToken, f["auth"])
	assert.Equal(t, smsPassword, f["auth_password"])
	assert.Equal(t, true, f["verify_only"])

	typ, f, ok = c.emu.StageFields("mfa-email")
	require.True(t, ok)
	assert.Equal(t, "authenticator_email", typ)
	assert.Equal(t, "smtp.corp.example", f["host"])
	assert.Equal(t, 587, f["port"])
	assert.Equal(t, smtpPassword, f["password"])
	assert.Equal(t, "Your Corp sign-in code", f["subject"])
	assert.Equal(t, "email/email_otp.html", f["template"])

	_, f, _ = c.emu.StageFields("mfa-validate")
	assert.ElementsMatch(t, []string{"mfa-duo", "mfa-sms", "mfa-email"}, f["configuration_stages"])

	typ, f, ok = c.emu.StageFields("corp-mtls")
	require.True(t, ok)
	assert.Equal(t, "mtls", typ)
	assert.Equal(t, []string{"corp-client-ca"}, f["certificate_authorities"], "the CA by its certificate name")
	assert.Equal(t, "optional", f["mode"])
	assert.Equal(t, "email", f["cert_attribute"])

	typ, f, ok = c.emu.StageFields("corp-github")
	require.True(t, ok)
	assert.Equal(t, "source", typ)
	assert.Equal(t, "github", f["source"], "the source by its slug")
	assert.Equal(t, "minutes=5", f["resume_timeout"])

	typ, _, ok = c.emu.StageFields("corp-offboard")
	require.True(t, ok)
	assert.Equal(t, "user_delete", typ)

	// A changed field is one update; the plan after it is empty again.
	changed := writeManifest(t, strings.Replace(mfaManifest, "subject: Your Corp sign-in code", "subject: Corp code", 1))
	r = c.run("plan", "-f", changed)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `subject = "Your Corp sign-in code" -> "Corp code"`)
	r = c.run("apply", "-f", changed, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", changed, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "%s%s", r.out, r.err)
}

// The secrets appear in no output (plans in every format, apply, a second
// plan, export, validate); export names the variable of each; a literal
// secret is refused at its line before anything is written.
func TestMoreStageSecretsNeverShown(t *testing.T) {
	t.Parallel()
	c, path := mfaCLI(t)
	outs := everyCommandsOutput(t, c, path)
	all := strings.Join(outs, "\n")
	for _, secret := range mfaSecrets {
		assert.NotContains(t, all, secret)
	}
	assert.Contains(t, outs[2], "client_secret", "the plan says a secret is set")
	exported := outs[len(outs)-2]
	for _, want := range []string{"add client_secret: ${MFA_DUO_CLIENT_SECRET}", "add admin_secret_key: ${MFA_DUO_ADMIN_SECRET_KEY}",
		"add auth: ${MFA_SMS_AUTH}", "add auth_password: ${MFA_SMS_AUTH_PASSWORD}", "add password: ${MFA_EMAIL_PASSWORD}"} {
		assert.Contains(t, exported, want)
	}

	literal := writeManifest(t, strings.Replace(mfaManifest, "auth: ${SMS_TOKEN}", "auth: plain-literal-token", 1))
	fresh, _ := mfaCLI(t)
	r := fresh.run("plan", "-f", literal)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, ":33:11: auth is a secret and comes only from a sensitive variable")
	assert.NotContains(t, r.err, "plain-literal-token")
	assert.Zero(t, fresh.emu.Writes())
}

// Without an enterprise license authentik refuses the source and mutual
// TLS stages; apply says so in authentik's words.
func TestEnterpriseStagesWithoutLicense(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
certificates:
  - name: ca
    generate: {common_name: ca.example, validity_days: 30}
stages:
  - name: m
    type: mtls
    mode: required
    certificate_authorities: [ca]
    cert_attribute: common_name
    user_attribute: username
`)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, "Enterprise is required to create/update this object.")
}

// demo --enterprise runs against a licensed emulator: the mutual TLS stage
// authentik refuses without a license is created; without the flag the
// same demo fails in authentik's words.
func TestDemoEnterprise(t *testing.T) {
	t.Parallel()
	path := writeManifest(t, `version: 1
certificates:
  - name: ca
    generate: {common_name: ca.example, validity_days: 30}
stages:
  - name: m
    type: mtls
    mode: required
    certificate_authorities: [ca]
    cert_attribute: common_name
    user_attribute: username
`)
	c := newCLI(t)
	r := c.run("demo", "--dir", t.TempDir(), "--manifest", path)
	require.NotEqual(t, exitOK, r.code, r.out)
	assert.Contains(t, r.out+r.err, "Enterprise is required")
	r = c.run("demo", "--dir", t.TempDir(), "--manifest", path, "--enterprise")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "No changes. authentik matches the manifest.")
}
