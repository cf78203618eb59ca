package kinds

// Stages: one stages: section, type: picks the stage type. Stage names are
// unique across every type (one Stage table, authentik/flows/models.py),
// so references name a "stage". Each descriptor cites its model's module
// under authentik/stages/; defaults are the model's field defaults.
func stage(typ, path, model, schema string, refs map[string]string, defaults map[string]any) *Kind {
	return &Kind{Name: "stage", Section: "stages", Type: typ, Path: path, AllPath: "stages/all/", AllModel: "authentik_flows.stage", Model: model,
		Schema: schema, Key: "name", PK: "pk", Refs: refs, Defaults: defaults}
}

var configureFlow = map[string]string{"configure_flow": "flow"}

func init() {
	identification := stage("identification", "stages/identification/", "authentik_stages_identification.identificationstage", "IdentificationStageRequest",
		map[string]string{"password_stage": "stage", "captcha_stage": "stage", "webauthn_stage": "stage",
			"enrollment_flow": "flow", "recovery_flow": "flow", "passwordless_flow": "flow",
			// the sources offered beside the form, by slug (sources.go)
			"sources": "source"},
		map[string]any{"case_insensitive_matching": true, "show_matched_user": true, "show_source_labels": false,
			"pretend_user_exists": true, "enable_remember_me": false})
	// IdentificationStageSerializer.validate reads user_fields from the
	// body only: a PATCH without it is refused.
	identification.SendAlways = []string{"user_fields"}
	// stages/authenticator_duo/models.py. The client secret and the admin
	// API's secret key are write-only secrets.
	duo := stage("authenticator_duo", "stages/authenticator/duo/", "authentik_stages_authenticator_duo.authenticatorduostage", "AuthenticatorDuoStageRequest", configureFlow,
		map[string]any{"friendly_name": "", "admin_integration_key": "", "admin_secret_key": ""})
	duo.SensitiveOnly = []string{"client_secret", "admin_secret_key"}
	duo.Doc = "A Duo setup stage: enrols the user's Duo device (client_secret and admin_secret_key from sensitive variables)."
	// stages/authenticator_email/models.py. authentik shows password in
	// its answers: compared through a digest, rotated when it changes.
	email := stage("authenticator_email", "stages/authenticator/email/", "authentik_stages_authenticator_email.authenticatoremailstage", "AuthenticatorEmailStageRequest", configureFlow,
		map[string]any{"friendly_name": "", "use_global_settings": false, "host": "localhost", "port": 25, "username": "",
			"password": "", "use_tls": false, "use_ssl": false, "timeout": 10, "from_address": "system@authentik.local",
			"subject": "authentik Sign-in code", "token_expiry": "minutes=30", "template": "email/email_otp.html"})
	email.SensitiveOnly = []string{"password"}
	email.Doc = "An email setup stage: one-time codes sent by email (the SMTP password from a sensitive variable)."
	// stages/authenticator_sms/models.py (mapping, a webhook mapping: not
	// managed). auth is Twilio's auth token or the generic provider's
	// bearer token or user name; authentik shows both in its answers.
	sms := stage("authenticator_sms", "stages/authenticator/sms/", "authentik_stages_authenticator_sms.authenticatorsmsstage", "AuthenticatorSMSStageRequest", configureFlow,
		map[string]any{"friendly_name": "", "auth_password": "", "auth_type": "basic", "verify_only": false})
	sms.SensitiveOnly = []string{"auth", "auth_password"}
	sms.Doc = "An SMS setup stage: one-time codes by SMS through Twilio or a generic HTTP API (auth and auth_password from sensitive variables)."
	// enterprise/stages/source/models.py: source is a ForeignKey with
	// on_delete=CASCADE.
	src := stage("source", "stages/source/", "authentik_stages_source.sourcestage", "SourceStageRequest",
		map[string]string{"source": "source"}, map[string]any{"resume_timeout": "minutes=10"})
	src.Cascade = []string{"source"}
	src.Doc = "A source stage: sends the user to an OAuth or SAML source and resumes the flow after. Enterprise: authentik refuses it without a license."
	// enterprise/stages/mtls/models.py.
	mtls := stage("mtls", "stages/mtls/", "authentik_stages_mtls.mutualtlsstage", "MutualTLSStageRequest",
		map[string]string{"certificate_authorities": "certificate"}, map[string]any{"certificate_authorities": []any{}})
	mtls.Doc = "A mutual TLS stage: logs in or enrols users by client certificate, checked against certificate_authorities. Enterprise: authentik refuses it without a license."
	// stages/email/models.py: password is write-only
	emailStage := stage("email", "stages/email/", "authentik_stages_email.emailstage", "EmailStageRequest", nil,
		map[string]any{"use_global_settings": false, "host": "localhost", "port": 25, "username": "", "use_tls": false,
			"use_ssl": false, "timeout": 10, "from_address": "system@authentik.local", "token_expiry": "minutes=30",
			"subject": "authentik", "template": "email/password_reset.html", "activate_user_on_success": false,
			"recovery_max_attempts": 5, "recovery_cache_timeout": "minutes=5"})
	emailStage.SensitiveOnly = []string{"password"}
	// stages/captcha/models.py: private_key is write-only
	captcha := stage("captcha", "stages/captcha/", "authentik_stages_captcha.captchastage", "CaptchaStageRequest", nil,
		map[string]any{"js_url": "https://www.recaptcha.net/recaptcha/api.js", "api_url": "https://www.recaptcha.net/recaptcha/api/siteverify",
			"interactive": false, "score_min_threshold": 0.5, "score_max_threshold": 1.0, "error_on_invalid_score": true})
	captcha.SensitiveOnly = []string{"private_key"}
	Register(
		// stages/identification/models.py
		identification,
		// stages/password/models.py
		stage("password", "stages/password/", "authentik_stages_password.passwordstage", "PasswordStageRequest", configureFlow,
			map[string]any{"failed_attempts_before_cancel": 5, "allow_show_password": false}),
		// stages/user_login/models.py
		stage("user_login", "stages/user_login/", "authentik_stages_user_login.userloginstage", "UserLoginStageRequest", nil,
			map[string]any{"session_duration": "seconds=0", "terminate_other_sessions": false, "remember_me_offset": "seconds=0",
				"network_binding": "no_binding", "geoip_binding": "no_binding", "remember_device": "days=30"}),
		// stages/user_logout/models.py
		stage("user_logout", "stages/user_logout/", "authentik_stages_user_logout.userlogoutstage", "UserLogoutStageRequest", nil, nil),
		// stages/user_write/models.py (create_users_group: with the identity kinds)
		stage("user_write", "stages/user_write/", "authentik_stages_user_write.userwritestage", "UserWriteStageRequest", nil,
			map[string]any{"user_creation_mode": "create_when_required", "create_users_as_inactive": false,
				"user_type": "external", "user_path_template": ""}),
		// stages/prompt/models.py (validation_policies: with the policy kinds)
		stage("prompt", "stages/prompt/stages/", "authentik_stages_prompt.promptstage", "PromptStageRequest",
			map[string]string{"fields": "prompt"}, nil),
		// stages/consent/models.py
		stage("consent", "stages/consent/", "authentik_stages_consent.consentstage", "ConsentStageRequest", nil,
			map[string]any{"mode": "always_require", "consent_expire_in": "weeks=4"}),
		// stages/deny/models.py
		stage("deny", "stages/deny/", "authentik_stages_deny.denystage", "DenyStageRequest", nil,
			map[string]any{"deny_message": ""}),
		// stages/redirect/models.py
		stage("redirect", "stages/redirect/", "authentik_stages_redirect.redirectstage", "RedirectStageRequest",
			map[string]string{"target_flow": "flow"}, map[string]any{"keep_context": true, "target_static": ""}),
		emailStage,
		// stages/invitation/models.py
		stage("invitation", "stages/invitation/stages/", "authentik_stages_invitation.invitationstage", "InvitationStageRequest", nil,
			map[string]any{"continue_flow_without_invitation": false}),
		captcha,
		// stages/authenticator_validate/models.py
		stage("authenticator_validate", "stages/authenticator/validate/", "authentik_stages_authenticator_validate.authenticatorvalidatestage", "AuthenticatorValidateStageRequest",
			map[string]string{"configuration_stages": "stage"},
			map[string]any{"not_configured_action": "skip", "last_auth_threshold": "seconds=0", "webauthn_user_verification": "preferred"}),
		// stages/authenticator_totp/models.py
		stage("authenticator_totp", "stages/authenticator/totp/", "authentik_stages_authenticator_totp.authenticatortotpstage", "AuthenticatorTOTPStageRequest", configureFlow,
			map[string]any{"friendly_name": ""}),
		// stages/authenticator_webauthn/models.py
		stage("authenticator_webauthn", "stages/authenticator/webauthn/", "authentik_stages_authenticator_webauthn.authenticatorwebauthnstage", "AuthenticatorWebAuthnStageRequest", configureFlow,
			map[string]any{"friendly_name": "", "user_verification": "preferred", "resident_key_requirement": "preferred"}),
		// stages/authenticator_static/models.py
		stage("authenticator_static", "stages/authenticator/static/", "authentik_stages_authenticator_static.authenticatorstaticstage", "AuthenticatorStaticStageRequest", configureFlow,
			map[string]any{"friendly_name": "", "token_count": 6, "token_length": 12}),
	)
	Register(duo, email, sms,
		// stages/user_delete/models.py
		stage("user_delete", "stages/user_delete/", "authentik_stages_user_delete.userdeletestage", "UserDeleteStageRequest", nil, nil),
		src, mtls)
}
