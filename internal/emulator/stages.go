package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Stages: one Stage table (authentik/flows/models.py, Stage.name unique
// across every type) with a subclass per type. Each type is served by the
// generic layer from its serializer's fields (authentik/stages/<type>/api.py,
// defaults from authentik/stages/<type>/models.py); /stages/all/ is
// authentik/flows/api/stages.py (StageViewSet: list, retrieve, delete).

// stageType describes one Stage subclass.
type stageType struct {
	typ       string // authentik/stages/<typ>/
	prefix    string
	model     string // Python class
	component string
	verbose   string
	plural    string
	fields    []fieldDef
	filters   []httpapi.FilterSpec // besides name and the fields' own
	// fieldChecks / validate as in kindDef.
	fieldChecks func(e *Emulator, f *httpapi.Form, s *store.Stage)
	validate    func(e *Emulator, f *httpapi.Form, s *store.Stage) *httpapi.Resp
	// extra renders computed fields (the *_obj lists).
	extra func(e *Emulator, s *store.Stage, m map[string]any)
}

func (t *stageType) metaModel() string {
	return "authentik_stages_" + t.typ + "." + strings.ToLower(t.model)
}

var stageUUIDFilter = httpapi.IExact("stage_uuid", "pk")

// Durations use timedelta_string_validator (authentik/lib/utils/time.py).
var stageTypes = []*stageType{
	{typ: "identification", prefix: "stages/identification/", model: "IdentificationStage",
		component: "ak-stage-identification-form", verbose: "Identification Stage", plural: "Identification Stages",
		fields: []fieldDef{
			{name: "user_fields", typ: ftChoiceList, choices: []string{"email", "username", "upn"}, def: []string{}},
			{name: "password_stage", typ: ftRef, ref: "stage:password", filter: "exact"},
			{name: "captcha_stage", typ: ftRef, ref: "stage:captcha", filter: "exact"},
			{name: "case_insensitive_matching", typ: ftBool, def: true, filter: "exact"},
			{name: "show_matched_user", typ: ftBool, def: true, filter: "exact"},
			{name: "enrollment_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "recovery_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "passwordless_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "sources", typ: ftRefList, ref: "source", allowEmpty: true, def: []string{}},
			{name: "show_source_labels", typ: ftBool, def: false, filter: "exact"},
			{name: "pretend_user_exists", typ: ftBool, def: true},
			{name: "enable_remember_me", typ: ftBool, def: false},
			{name: "webauthn_stage", typ: ftRef, ref: "stage:authenticator_validate", filter: "exact"},
		},
		// IdentificationStageSerializer.validate reads the body only: a
		// PATCH without user_fields and sources fails.
		validate: func(e *Emulator, f *httpapi.Form, s *store.Stage) *httpapi.Resp {
			var uf, src []any
			_ = decodeRaw(f, "user_fields", &uf)
			_ = decodeRaw(f, "sources", &src)
			if len(uf) < 1 && len(src) < 1 {
				r := httpapi.NonFieldError("When no user fields are selected, at least one source must be selected")
				return &r
			}
			return nil
		}},
	{typ: "password", prefix: "stages/password/", model: "PasswordStage",
		component: "ak-stage-password-form", verbose: "Password Stage", plural: "Password Stages",
		fields: []fieldDef{
			{name: "backends", typ: ftChoiceList, required: true, choices: []string{"authentik.core.auth.InbuiltBackend",
				"authentik.core.auth.TokenBackend", "authentik.sources.ldap.auth.LDAPBackend",
				"authentik.sources.kerberos.auth.KerberosBackend"}},
			{name: "configure_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "failed_attempts_before_cancel", typ: ftInt32, def: int64(5), filter: "exact"},
			{name: "allow_show_password", typ: ftBool, def: false, filter: "exact"},
		}},
	{typ: "user_login", prefix: "stages/user_login/", model: "UserLoginStage",
		component: "ak-stage-user-login-form", verbose: "User Login Stage", plural: "User Login Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "session_duration", typ: ftDuration, def: "seconds=0", filter: "exact"},
			{name: "terminate_other_sessions", typ: ftBool, def: false, filter: "exact"},
			{name: "remember_me_offset", typ: ftDuration, def: "seconds=0", filter: "exact"},
			{name: "network_binding", typ: ftChoice, choices: []string{"no_binding", "bind_asn", "bind_asn_network",
				"bind_asn_network_ip"}, def: "no_binding", filter: "exact"},
			{name: "geoip_binding", typ: ftChoice, choices: []string{"no_binding", "bind_continent",
				"bind_continent_country", "bind_continent_country_city"}, def: "no_binding", filter: "exact"},
			{name: "remember_device", typ: ftDuration, def: "days=30", filter: "exact"},
		}},
	{typ: "user_logout", prefix: "stages/user_logout/", model: "UserLogoutStage",
		component: "ak-stage-user-logout-form", verbose: "User Logout Stage", plural: "User Logout Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter}},
	{typ: "user_write", prefix: "stages/user_write/", model: "UserWriteStage",
		component: "ak-stage-user-write-form", verbose: "User Write Stage", plural: "User Write Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "user_creation_mode", typ: ftChoice, choices: []string{"never_create", "create_when_required",
				"always_create"}, def: "create_when_required", filter: "exact"},
			{name: "create_users_as_inactive", typ: ftBool, def: false, filter: "exact"},
			{name: "create_users_group", typ: ftRef, ref: "group", filter: "exact"},
			{name: "user_type", typ: ftChoice, choices: []string{"internal", "external", "service_account",
				"internal_service_account"}, def: "external", filter: "exact"},
			{name: "user_path_template", typ: ftString, blank: true, def: "", filter: "exact"},
		}},
	{typ: "prompt", prefix: "stages/prompt/stages/", model: "PromptStage",
		component: "ak-stage-prompt-form", verbose: "Prompt Stage", plural: "Prompt Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "fields", typ: ftRefList, ref: "prompt", required: true, filter: "exact"},
			{name: "validation_policies", typ: ftRefList, ref: "policy", allowEmpty: true, def: []string{}, filter: "exact"},
		}},
	{typ: "consent", prefix: "stages/consent/", model: "ConsentStage",
		component: "ak-stage-consent-form", verbose: "Consent Stage", plural: "Consent Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "mode", typ: ftChoice, choices: []string{"always_require", "permanent", "expiring"}, def: "expiring", filter: "exact"},
			{name: "consent_expire_in", typ: ftDuration, def: "weeks=4", filter: "exact"},
		}},
	{typ: "deny", prefix: "stages/deny/", model: "DenyStage",
		component: "ak-stage-deny-form", verbose: "Deny Stage", plural: "Deny Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "deny_message", typ: ftString, blank: true, def: "", filter: "exact"},
		}},
	{typ: "redirect", prefix: "stages/redirect/", model: "RedirectStage",
		component: "ak-stage-redirect-form", verbose: "Redirect Stage", plural: "Redirect Stages",
		fields: []fieldDef{
			{name: "keep_context", typ: ftBool, def: true},
			{name: "mode", typ: ftChoice, required: true, choices: []string{"static", "flow"}},
			{name: "target_static", typ: ftString, blank: true, def: ""},
			{name: "target_flow", typ: ftRef, ref: "flow"},
		},
		// RedirectStageSerializer.validate, on the body's attributes.
		validate: func(e *Emulator, f *httpapi.Form, s *store.Stage) *httpapi.Resp {
			var mode string
			if !f.Has("mode") || !f.Str("mode", false, true, &mode) {
				return nil
			}
			if mode == "static" && (!f.Has("target_static") || httpapi.FmtVal(s.Attrs["target_static"]) == "") {
				r := httpapi.NonFieldError("Target URL should be present when mode is Static.")
				return &r
			}
			if mode == "flow" && (!f.Has("target_flow") || s.Attrs["target_flow"] == nil) {
				r := httpapi.NonFieldError("Target Flow should be present when mode is Flow.")
				return &r
			}
			return nil
		}},
	{typ: "email", prefix: "stages/email/", model: "EmailStage",
		component: "ak-stage-email-form", verbose: "Email Stage", plural: "Email Stages",
		fields: []fieldDef{
			{name: "use_global_settings", typ: ftBool, def: false, filter: "exact"},
			{name: "host", typ: ftString, def: "localhost", filter: "exact"},
			{name: "port", typ: ftInt32, def: int64(25), filter: "exact"},
			{name: "username", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "password", typ: ftString, blank: true, def: "", writeOnly: true},
			{name: "use_tls", typ: ftBool, def: false, filter: "exact"},
			{name: "use_ssl", typ: ftBool, def: false, filter: "exact"},
			{name: "timeout", typ: ftInt32, def: int64(10), filter: "exact"},
			{name: "from_address", typ: ftEmail, def: "system@authentik.local", filter: "exact"},
			{name: "token_expiry", typ: ftDuration, def: "minutes=30", filter: "exact"},
			{name: "subject", typ: ftString, def: "authentik", filter: "exact"},
			{name: "template", typ: ftString, def: "email/password_reset.html", filter: "exact"},
			{name: "activate_user_on_success", typ: ftBool, def: false, filter: "exact"},
			{name: "recovery_max_attempts", typ: ftUint, def: int64(5)},
			{name: "recovery_cache_timeout", typ: ftDuration, def: "minutes=5"},
		},
		// EmailStageSerializer.validate_template: the built-in templates
		// (EmailTemplates); a fresh install has no custom ones.
		fieldChecks: func(e *Emulator, f *httpapi.Form, s *store.Stage) {
			if t, ok := s.Attrs["template"].(string); ok && f.Has("template") && f.Errs["template"] == nil &&
				!slices.Contains(emailTemplates, t) {
				f.Fail("template", fmt.Sprintf("Invalid template '%s' specified.", t))
			}
		}},
	{typ: "invitation", prefix: "stages/invitation/stages/", model: "InvitationStage",
		component: "ak-stage-invitation-form", verbose: "Invitation Stage", plural: "Invitation Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter, {Param: "no_flows", Match: func(o httpapi.Getter, v []string) bool {
			b, err := httpapi.ParseBool(v[0])
			if err != nil {
				return true
			}
			items, _ := o("flow_set").([]any)
			return (len(items) == 0) == b
		}}},
		fields: []fieldDef{
			{name: "continue_flow_without_invitation", typ: ftBool, def: false, filter: "exact"},
		}},
	{typ: "captcha", prefix: "stages/captcha/", model: "CaptchaStage",
		component: "ak-stage-captcha-form", verbose: "Captcha Stage", plural: "Captcha Stages",
		fields: []fieldDef{
			{name: "public_key", typ: ftString, required: true, filter: "exact"},
			{name: "private_key", typ: ftString, required: true, writeOnly: true},
			{name: "js_url", typ: ftString, def: "https://www.recaptcha.net/recaptcha/api.js"},
			{name: "api_url", typ: ftString, def: "https://www.recaptcha.net/recaptcha/api/siteverify"},
			{name: "interactive", typ: ftBool, def: false},
			{name: "score_min_threshold", typ: ftFloat, def: 0.5},
			{name: "score_max_threshold", typ: ftFloat, def: 1.0},
			{name: "error_on_invalid_score", typ: ftBool, def: true},
		}},
	{typ: "authenticator_validate", prefix: "stages/authenticator/validate/", model: "AuthenticatorValidateStage",
		component: "ak-stage-authenticator-validate-form", verbose: "Authenticator Validation Stage",
		plural: "Authenticator Validation Stages",
		fields: []fieldDef{
			{name: "not_configured_action", typ: ftChoice, choices: []string{"skip", "deny", "configure"}, def: "skip", filter: "exact"},
			{name: "device_classes", typ: ftChoiceList, choices: []string{"static", "totp", "webauthn", "duo", "sms", "email"},
				def: []string{"static", "totp", "webauthn", "duo", "sms", "email"}},
			{name: "configuration_stages", typ: ftRefList, ref: "stage", allowEmpty: true, def: []string{}, filter: "exact"},
			{name: "last_auth_threshold", typ: ftDuration, def: "seconds=0"},
			{name: "webauthn_user_verification", typ: ftChoice, choices: []string{"required", "preferred", "discouraged"}, def: "preferred"},
			{name: "webauthn_allowed_device_types", typ: ftRefList, ref: "webauthndevicetype", allowEmpty: true, def: []string{}},
		},
		// validate_not_configured_action reads configuration_stages from
		// initial_data (the body).
		fieldChecks: func(e *Emulator, f *httpapi.Form, s *store.Stage) {
			if s.Attrs["not_configured_action"] != "configure" || !f.Has("not_configured_action") ||
				f.Errs["not_configured_action"] != nil {
				return
			}
			var cs []any
			_ = decodeRaw(f, "configuration_stages", &cs)
			if len(cs) < 1 {
				f.Fail("not_configured_action", `When "Not configured action" is set to "Configure", you must set a configuration stage.`)
			}
		},
		extra: func(e *Emulator, s *store.Stage, m map[string]any) { m["webauthn_allowed_device_types_obj"] = []any{} }},
	{typ: "authenticator_totp", prefix: "stages/authenticator/totp/", model: "AuthenticatorTOTPStage",
		component: "ak-stage-authenticator-totp-form", verbose: "TOTP Authenticator Setup Stage",
		plural: "TOTP Authenticator Setup Stages", filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "configure_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "friendly_name", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "digits", typ: ftChoice, required: true, choices: []string{"6", "8"}, filter: "exact"},
		}},
	{typ: "authenticator_webauthn", prefix: "stages/authenticator/webauthn/", model: "AuthenticatorWebAuthnStage",
		component: "ak-stage-authenticator-webauthn-form", verbose: "WebAuthn Authenticator Setup Stage",
		plural: "WebAuthn Authenticator Setup Stages", filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "configure_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "friendly_name", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "user_verification", typ: ftChoice, choices: []string{"required", "preferred", "discouraged"}, def: "preferred", filter: "exact"},
			{name: "authenticator_attachment", typ: ftChoiceNull, choices: []string{"platform", "cross-platform"}, filter: "exact"},
			{name: "resident_key_requirement", typ: ftChoice, choices: []string{"discouraged", "preferred", "required"}, def: "preferred", filter: "exact"},
			{name: "device_type_restrictions", typ: ftRefList, ref: "webauthndevicetype", allowEmpty: true, def: []string{}, filter: "exact"},
			{name: "max_attempts", typ: ftUint, def: int64(0), filter: "exact"},
		},
		extra: func(e *Emulator, s *store.Stage, m map[string]any) { m["device_type_restrictions_obj"] = []any{} }},
	{typ: "authenticator_static", prefix: "stages/authenticator/static/", model: "AuthenticatorStaticStage",
		component: "ak-stage-authenticator-static-form", verbose: "Static Authenticator Setup Stage",
		plural: "Static Authenticator Setup Stages", filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "configure_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "friendly_name", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "token_count", typ: ftUint, def: int64(6), filter: "exact"},
			{name: "token_length", typ: ftUint, def: int64(12), max: 100, filter: "exact"},
		}},
	// authentik/stages/authenticator_duo/{models.py,api.py}: no validate();
	// the two secrets are write_only (extra_kwargs).
	{typ: "authenticator_duo", prefix: "stages/authenticator/duo/", model: "AuthenticatorDuoStage",
		component: "ak-stage-authenticator-duo-form", verbose: "Duo Authenticator Setup Stage",
		plural: "Duo Authenticator Setup Stages",
		fields: []fieldDef{
			{name: "configure_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "friendly_name", typ: ftString, blank: true, def: ""},
			{name: "client_id", typ: ftString, required: true, filter: "exact"},
			{name: "client_secret", typ: ftString, required: true, writeOnly: true},
			{name: "api_hostname", typ: ftString, required: true, filter: "exact"},
			{name: "admin_integration_key", typ: ftString, blank: true, def: ""},
			{name: "admin_secret_key", typ: ftString, blank: true, def: "", writeOnly: true},
		}},
	// authentik/stages/authenticator_email/{models.py,api.py}: no
	// validate(), no validate_template; password is not write_only (the
	// answer shows it, as authentik's does).
	{typ: "authenticator_email", prefix: "stages/authenticator/email/", model: "AuthenticatorEmailStage",
		component: "ak-stage-authenticator-email-form", verbose: "Email Authenticator Setup Stage",
		plural: "Email Authenticator Setup Stages", filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "configure_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "friendly_name", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "use_global_settings", typ: ftBool, def: false, filter: "exact"},
			{name: "host", typ: ftString, def: "localhost", filter: "exact"},
			{name: "port", typ: ftInt32, def: int64(25), filter: "exact"},
			{name: "username", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "password", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "use_tls", typ: ftBool, def: false, filter: "exact"},
			{name: "use_ssl", typ: ftBool, def: false, filter: "exact"},
			{name: "timeout", typ: ftInt32, def: int64(10), filter: "exact"},
			{name: "from_address", typ: ftEmail, def: "system@authentik.local", filter: "exact"},
			{name: "subject", typ: ftString, def: "authentik Sign-in code", filter: "exact"},
			{name: "token_expiry", typ: ftDuration, def: "minutes=30", filter: "exact"},
			{name: "template", typ: ftString, def: "email/email_otp.html", filter: "exact"},
		}},
	// authentik/stages/authenticator_sms/{models.py,api.py}: no validate();
	// auth and auth_password are not write_only. mapping is a
	// NotificationWebhookMapping, which the emulator does not serve.
	{typ: "authenticator_sms", prefix: "stages/authenticator/sms/", model: "AuthenticatorSMSStage",
		component: "ak-stage-authenticator-sms-form", verbose: "SMS Authenticator Setup Stage",
		plural: "SMS Authenticator Setup Stages", filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "configure_flow", typ: ftRef, ref: "flow", filter: "exact"},
			{name: "friendly_name", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "provider", typ: ftChoice, required: true, choices: []string{"twilio", "generic"}, filter: "exact"},
			{name: "from_number", typ: ftString, required: true, filter: "exact"},
			{name: "account_sid", typ: ftString, required: true, filter: "exact"},
			{name: "auth", typ: ftString, required: true, filter: "exact"},
			{name: "auth_password", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "auth_type", typ: ftChoice, choices: []string{"basic", "bearer"}, def: "basic", filter: "exact"},
			{name: "verify_only", typ: ftBool, def: false, filter: "exact"},
			{name: "mapping", typ: ftRef, ref: "notificationwebhookmapping", filter: "exact"},
		}},
	// authentik/stages/user_delete/{models.py,api.py}: the base fields only.
	{typ: "user_delete", prefix: "stages/user_delete/", model: "UserDeleteStage",
		component: "ak-stage-user-delete-form", verbose: "User Delete Stage", plural: "User Delete Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter}},
	// authentik/enterprise/stages/source/{models.py,api.py}: source is a
	// ForeignKey(on_delete=CASCADE); SourceStageSerializer.validate_source
	// takes only a source with a login button (Source.ui_login_button:
	// OAuth and SAML; LDAP and the built-in source have none), and
	// EnterpriseRequiredMixin.validate needs a license.
	{typ: "source", prefix: "stages/source/", model: "SourceStage",
		component: "ak-stage-source-form", verbose: "Source Stage", plural: "Source Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "source", typ: ftRef, ref: "source", required: true, cascade: true, filter: "exact"},
			{name: "resume_timeout", typ: ftDuration, def: "minutes=10", filter: "exact"},
		},
		fieldChecks: func(e *Emulator, f *httpapi.Form, s *store.Stage) {
			pk, _ := s.Attrs["source"].(string)
			if !f.Has("source") || f.Errs["source"] != nil || pk == "" {
				return
			}
			if src := e.st.SourceByPK(pk); src != nil && src.Type != "oauth" && src.Type != "saml" {
				f.Fail("source", "Invalid source selected, only web-based sources are supported.")
			}
		},
		validate: func(e *Emulator, _ *httpapi.Form, _ *store.Stage) *httpapi.Resp { return e.enterpriseRequired() }},
	// authentik/enterprise/stages/mtls/{models.py,api.py}:
	// certificate_authorities is a ManyToManyField to CertificateKeyPair;
	// EnterpriseRequiredMixin.validate needs a license.
	{typ: "mtls", prefix: "stages/mtls/", model: "MutualTLSStage",
		component: "ak-stage-mtls-form", verbose: "Mutual TLS Stage", plural: "Mutual TLS Stages",
		filters: []httpapi.FilterSpec{stageUUIDFilter},
		fields: []fieldDef{
			{name: "mode", typ: ftChoice, required: true, choices: []string{"optional", "required"}, filter: "exact"},
			{name: "certificate_authorities", typ: ftRefList, ref: "keypair", allowEmpty: true, def: []string{},
				unordered: true, filter: "exact"},
			{name: "cert_attribute", typ: ftChoice, required: true, choices: []string{"subject", "common_name", "email"}, filter: "exact"},
			{name: "user_attribute", typ: ftChoice, required: true, choices: []string{"username", "email"}, filter: "exact"},
		},
		validate: func(e *Emulator, _ *httpapi.Form, _ *store.Stage) *httpapi.Resp { return e.enterpriseRequired() }},
}

// emailTemplates are authentik/stages/email/models.py's EmailTemplates.
var emailTemplates = []string{"email/password_reset.html", "email/account_confirmation.html",
	"email/email_otp.html", "email/event_notification.html"}

// stageTypeByName indexes stageTypes; stageKinds are their generic kinds.
var (
	stageTypeByName = func() map[string]*stageType {
		m := map[string]*stageType{}
		for _, t := range stageTypes {
			m[t.typ] = t
		}
		return m
	}()
	stageKinds = func() []genericKind {
		var out []genericKind
		for _, t := range stageTypes {
			out = append(out, t.kind())
		}
		return out
	}()
)

// decodeRaw decodes a body attribute as JSON; false when absent or invalid.
func decodeRaw(f *httpapi.Form, k string, dst any) bool {
	if !f.Has(k) {
		return false
	}
	return json.Unmarshal(f.Raw[k], dst) == nil
}

// kind builds the generic kind of a stage type.
func (t *stageType) kind() *kindDef[*store.Stage] {
	k := &kindDef[*store.Stage]{
		kind: strings.ToLower(t.model), model: t.model, metaModel: t.metaModel(), prefix: t.prefix,
		fields: t.fields,
		list: httpapi.ListSpec{
			Filters:      append([]httpapi.FilterSpec{httpapi.Exact("name", "name")}, t.filters...),
			SearchFields: []string{"name"},
			Order:        []string{"name"},
		},
		all: func(e *Emulator) []*store.Stage {
			var out []*store.Stage
			for _, s := range e.st.Stages {
				if s.Type == t.typ {
					out = append(out, s)
				}
			}
			return out
		},
		byID: func(e *Emulator, id string) (*store.Stage, bool) {
			s := e.st.StageByPK(id)
			return s, s != nil && s.Type == t.typ
		},
		fresh:  func(e *Emulator) *store.Stage { return &store.Stage{Type: t.typ, Attrs: map[string]any{}} },
		clone:  func(s *store.Stage) *store.Stage { n := *s; n.Attrs = cloneAttrs(s.Attrs); return &n },
		commit: func(_ *Emulator, dst, src *store.Stage) { *dst = *src },
		insert: func(e *Emulator, s *store.Stage) {
			s.PK = e.newUUID()
			e.st.Stages = append(e.st.Stages, s)
		},
		remove:      func(e *Emulator, s *store.Stage) { e.st.DeleteStage(s) },
		attrs:       func(s *store.Stage) map[string]any { return s.Attrs },
		key:         func(s *store.Stage) string { return httpapi.FmtVal(s.Attrs["name"]) },
		pk:          func(s *store.Stage) string { return s.PK },
		readBase:    func(e *Emulator, f *httpapi.Form, s *store.Stage) { e.readStageName(f, s) },
		fieldChecks: t.fieldChecks,
		validate:    t.validate,
		render: func(e *Emulator, _ *httpapi.Call, s *store.Stage) map[string]any {
			m := e.renderStageBase(s)
			if t.extra != nil {
				t.extra(e, s, m)
			}
			return m
		},
	}
	return k
}

// readStageName reads StageSerializer's name: unique over every stage type
// ("stage with this name already exists."). PromptStageSerializer declares
// its own name field with a UniqueValidator over prompt stages only, so a
// prompt stage named like a stage of another type passes validation and
// fails in the database: authentik answers 500.
func (e *Emulator) readStageName(f *httpapi.Form, s *store.Stage) {
	var name string
	if !f.Str("name", true, false, &name) {
		return
	}
	s.Attrs["name"] = name
	for _, o := range e.st.Stages {
		if o.PK == s.PK || o.Attrs["name"] != name {
			continue
		}
		switch {
		case s.Type != "prompt":
			f.Fail("name", "stage with this name already exists.")
		case o.Type == "prompt":
			f.Fail("name", "This field must be unique.")
		default:
			f.Crash("name")
		}
	}
}

// renderStageBase is StageSerializer: the base fields, with the concrete
// type's component and names, and flow_set.
func (e *Emulator) renderStageBase(s *store.Stage) map[string]any {
	t := stageTypeByName[s.Type]
	flows := []any{}
	for _, b := range e.st.FlowBindings {
		if b.Attrs["stage"] == s.PK {
			if f := e.st.FlowByPK(httpapi.FmtVal(b.Attrs["target"])); f != nil {
				flows = append(flows, e.renderFlowSet(f))
			}
		}
	}
	return map[string]any{
		"pk": s.PK, "name": s.Attrs["name"], "component": t.component, "verbose_name": t.verbose,
		"verbose_name_plural": t.plural, "meta_model_name": t.metaModel(), "flow_set": flows,
	}
}

// stageRefFields names the fields of a stage of this type that reference
// objects of kind ref (fieldDef.ref "ref" or "ref:<type>"), from the stage
// kinds' tables: the store's state.stageRefFields.
func stageRefFields(stageType, ref string) []string {
	var out []string
	for _, fd := range stageTypeByName[stageType].fields {
		if fd.ref == ref || strings.HasPrefix(fd.ref, ref+":") {
			out = append(out, fd.name)
		}
	}
	return out
}

// stageCascadeFields names the fields of a stage of this type whose
// referent's delete deletes the stage (on_delete=CASCADE): the store's
// State.StageCascades.
func stageCascadeFields(stageType, ref string) []string {
	var out []string
	for _, fd := range stageTypeByName[stageType].fields {
		if fd.cascade && (fd.ref == ref || strings.HasPrefix(fd.ref, ref+":")) {
			out = append(out, fd.name)
		}
	}
	return out
}

// refExists resolves a related pk for a field of the generic layer (ref
// as in fieldDef.ref) and returns its canonical form, or "".
func (e *Emulator) refExists(ref, pk string) string {
	kind, typ, _ := strings.Cut(ref, ":")
	switch kind {
	case "flow":
		return e.st.FlowRef(pk)
	case "stage":
		if s := e.st.StageByPK(pk); s != nil && (typ == "" || s.Type == typ) {
			return s.PK
		}
	case "group":
		return e.st.GroupRef(pk)
	case "prompt":
		if p := e.st.PromptByPK(pk); p != nil {
			return p.PK
		}
	case "policy":
		return e.st.PolicyRef(pk)
	case "keypair":
		return e.st.KeypairRef(pk)
	case "application":
		if a := e.st.AppByPK(pk); a != nil {
			return a.PK
		}
	case "source":
		if x := e.st.SourceByPK(pk); x != nil && (typ == "" || x.Type == typ) {
			return x.PK // "source:oauth": a FK to OAuthSource
		}
	case "propertymapping":
		return e.st.MappingRef(pk)
	case "role":
		return e.st.RoleRef(pk)
	case "serviceconnection":
		if c := e.st.ServiceConnectionByPK(pk); c != nil {
			return c.PK
		}
	}
	// webauthndevicetype, notificationwebhookmapping: the emulator has none.
	return ""
}

// intRefExists resolves an integer-pk reference of an ftIntRefList field.
func (e *Emulator) intRefExists(ref string, pk int32) bool {
	switch ref {
	case "user":
		return e.st.UserExists(pk)
	case "provider":
		return e.st.ProviderExists(pk)
	case "racprovider":
		p := e.st.ProviderByPK(pk)
		return p != nil && p.Kind == store.KindRAC
	case "permission":
		return pk >= 1 && int(pk) <= len(permissionCatalogue)
	}
	return false
}

// ---- /stages/all/ ----

// allStagesKind is /stages/all/ (authentik/flows/api/stages.py,
// StageViewSet: list, retrieve, delete over every Stage subclass, rendered
// by the base StageSerializer).
var allStagesKind = &kindDef[*store.Stage]{
	kind: "stage", model: "Stage", prefix: "stages/all/", noWrite: true,
	list:   httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name")}, SearchFields: []string{"name"}},
	all:    func(e *Emulator) []*store.Stage { return e.st.Stages },
	byID:   func(e *Emulator, id string) (*store.Stage, bool) { s := e.st.StageByPK(id); return s, s != nil },
	remove: func(e *Emulator, s *store.Stage) { e.st.DeleteStage(s) },
	attrs:  func(*store.Stage) map[string]any { return map[string]any{} },
	key:    func(s *store.Stage) string { return httpapi.FmtVal(s.Attrs["name"]) },
	pk:     func(s *store.Stage) string { return s.PK },
	render: func(e *Emulator, _ *httpapi.Call, s *store.Stage) map[string]any { return e.renderStageBase(s) },
}
