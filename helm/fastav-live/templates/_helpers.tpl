{{/*
Names, labels and the computed values every template shares. Nothing else in templates/ builds a name
or a label by hand.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "fastav-live.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full object name prefix: fullnameOverride, else release-name, with the chart name once. */}}
{{- define "fastav-live.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* name-suffix, kept within 63 characters. Call with (list . "suffix"). */}}
{{- define "fastav-live.childName" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "fastav-live.fullname" $root | trunc (int (sub 62 (len $suffix)))) $suffix | trimSuffix "-" }}
{{- end }}

{{- define "fastav-live.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the server pods. Never change on upgrade. */}}
{{- define "fastav-live.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fastav-live.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{/* Labels on every object but the selector's component (the test pod is not a server). */}}
{{- define "fastav-live.commonLabels" -}}
helm.sh/chart: {{ include "fastav-live.chart" . }}
app.kubernetes.io/name: {{ include "fastav-live.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fastav-live
{{- end }}

{{/* Labels on every object of the server. */}}
{{- define "fastav-live.labels" -}}
{{ include "fastav-live.commonLabels" . }}
app.kubernetes.io/component: server
{{- end }}

{{- define "fastav-live.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fastav-live.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "fastav-live.headlessName" -}}
{{- include "fastav-live.childName" (list . "headless") }}
{{- end }}

{{/* Image reference: repository@digest, else repository:tag (tag defaults to appVersion). */}}
{{- define "fastav-live.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* StatefulSet when each pod needs its own model claim; Deployment otherwise. */}}
{{- define "fastav-live.workloadKind" -}}
{{- if and (eq .Values.model.volume.type "persistentVolumeClaim") .Values.model.volume.persistentVolumeClaim.perPod }}StatefulSet{{ else }}Deployment{{ end }}
{{- end }}

{{/* Seconds as a .NET TimeSpan string (hh:mm:ss; the schema caps drain values below a day). */}}
{{- define "fastav-live.timeSpan" -}}
{{- $s := int . }}
{{- printf "%02d:%02d:%02d" (div $s 3600) (mod (div $s 60) 60) (mod $s 60) }}
{{- end }}

{{/* preStop + DrainDelay + ShutdownTimeout: the grace period must be above it. */}}
{{- define "fastav-live.drainSeconds" -}}
{{- $d := .Values.drain }}
{{- add (int $d.preStopSleepSeconds) (int $d.delaySeconds) (int $d.shutdownTimeoutSeconds) }}
{{- end }}

{{/* terminationGracePeriodSeconds: the given one (refused unless above the drain sum), else the sum plus the margin. */}}
{{- define "fastav-live.terminationGracePeriodSeconds" -}}
{{- $d := .Values.drain }}
{{- $sum := int (include "fastav-live.drainSeconds" .) }}
{{- if kindIs "invalid" $d.terminationGracePeriodSeconds }}
{{- add $sum (int $d.marginSeconds) }}
{{- else }}
{{- $grace := int $d.terminationGracePeriodSeconds }}
{{- if le $grace $sum }}
{{- fail (printf "drain.terminationGracePeriodSeconds: %d must be greater than drain.preStopSleepSeconds + drain.delaySeconds + drain.shutdownTimeoutSeconds = %d (%d + %d + %d); raise it or leave it null to compute it" $grace $sum (int $d.preStopSleepSeconds) (int $d.delaySeconds) (int $d.shutdownTimeoutSeconds)) }}
{{- end }}
{{- $grace }}
{{- end }}
{{- end }}

{{/* The sleep action of the kubelet exists from Kubernetes 1.30. */}}
{{- define "fastav-live.preStopUsesSleepAction" -}}
{{- $mode := .Values.drain.preStopMode }}
{{- if eq $mode "sleepAction" }}true
{{- else if eq $mode "exec" }}false
{{- else if semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version }}true
{{- else }}false
{{- end }}
{{- end }}

{{/* Inference:Model as the server sees it; empty keeps the server's default. */}}
{{- define "fastav-live.modelPath" -}}
{{- $v := .Values.model.volume }}
{{- if eq $v.type "none" }}
{{- .Values.model.imagePath }}
{{- else if $v.subPath }}
{{- printf "%s/%s" (trimSuffix "/" $v.mountPath) (trimPrefix "/" $v.subPath) }}
{{- else }}
{{- $v.mountPath }}
{{- end }}
{{- end }}

{{/* Name of the shared model claim (existing, or the one the chart creates). */}}
{{- define "fastav-live.modelClaimName" -}}
{{- default (include "fastav-live.childName" (list . "model")) .Values.model.volume.persistentVolumeClaim.existingClaim }}
{{- end }}

{{/* Secrets: name of the one holding the server certificate, the client CA bundle, the API keys. */}}
{{- define "fastav-live.tlsSecretName" -}}
{{- default (include "fastav-live.childName" (list . "tls")) .Values.tls.existingSecret }}
{{- end }}

{{- define "fastav-live.clientCaSecretName" -}}
{{- default (include "fastav-live.childName" (list . "client-ca")) .Values.tls.clientCa.existingSecret.name }}
{{- end }}

{{- define "fastav-live.apiKeysSecretName" -}}
{{- default (include "fastav-live.childName" (list . "api-keys")) .Values.auth.apiKeys.existingSecret.name }}
{{- end }}

{{- define "fastav-live.apiKeysSecretKey" -}}
{{- .Values.auth.apiKeys.existingSecret.key }}
{{- end }}

{{- define "fastav-live.clientCaSecretKey" -}}
{{- .Values.tls.clientCa.existingSecret.key }}
{{- end }}

{{/* Where the server finds its certificate, key, client CA and API keys. */}}
{{- define "fastav-live.tlsMountPath" -}}/etc/fastav/tls{{- end }}
{{- define "fastav-live.clientCaMountPath" -}}/etc/fastav/client-ca{{- end }}

{{/* True when client certificates are checked against a CA bundle. */}}
{{- define "fastav-live.clientCaEnabled" -}}
{{- if and .Values.tls.enabled (ne .Values.tls.clientCertificateMode "NoCertificate") }}true{{ end }}
{{- end }}

{{/*
Cross-field rules the schema cannot state with a clear message. Every template that renders the pod
includes this, so a bad combination stops `helm template` / `helm install` naming the values.
*/}}
{{- define "fastav-live.validate" -}}
{{- $ := . }}
{{- $_ := include "fastav-live.terminationGracePeriodSeconds" $ }}
{{- $v := .Values }}
{{- if and (eq $v.model.volume.type "emptyDir") (not $v.model.initContainer.enabled) }}
{{- fail "model.volume.type: emptyDir starts empty; enable model.initContainer to copy the weights into it" }}
{{- end }}
{{- if and $v.model.initContainer.enabled (eq $v.model.volume.type "none") }}
{{- fail "model.initContainer.enabled: the init container needs a model volume to copy into; set model.volume.type to emptyDir or persistentVolumeClaim" }}
{{- end }}
{{- if and $v.model.initContainer.enabled (not $v.model.initContainer.image.repository) }}
{{- fail "model.initContainer.image.repository: required when model.initContainer.enabled" }}
{{- end }}
{{- if and (ne $v.model.volume.type "none") $v.model.imagePath }}
{{- fail "model.imagePath: only used with model.volume.type none; with a model volume use model.volume.subPath" }}
{{- end }}
{{- $pvc := $v.model.volume.persistentVolumeClaim }}
{{- if and $pvc.perPod $pvc.existingClaim }}
{{- fail "model.volume.persistentVolumeClaim: perPod creates one claim per pod and cannot use existingClaim" }}
{{- end }}
{{- if $v.tls.enabled }}
{{- if and (not $v.tls.existingSecret) (or (not $v.tls.certificate) (not $v.tls.key)) }}
{{- fail "tls: tls.enabled needs tls.existingSecret, or both tls.certificate and tls.key (PEM)" }}
{{- end }}
{{- if and $v.tls.existingSecret (or $v.tls.certificate $v.tls.key) }}
{{- fail "tls: set tls.existingSecret or the literal tls.certificate/tls.key, not both" }}
{{- end }}
{{- if include "fastav-live.clientCaEnabled" $ }}
{{- if and (not $v.tls.clientCa.existingSecret.name) (not $v.tls.clientCa.certificate) }}
{{- fail (printf "tls.clientCa: tls.clientCertificateMode %s needs tls.clientCa.existingSecret.name or tls.clientCa.certificate" $v.tls.clientCertificateMode) }}
{{- end }}
{{- if and $v.tls.clientCa.existingSecret.name $v.tls.clientCa.certificate }}
{{- fail "tls.clientCa: set tls.clientCa.existingSecret.name or tls.clientCa.certificate, not both" }}
{{- end }}
{{- end }}
{{- else if ne $v.tls.clientCertificateMode "NoCertificate" }}
{{- fail "tls.clientCertificateMode: client certificates need tls.enabled" }}
{{- end }}
{{- $keys := $v.auth.apiKeys }}
{{- if $keys.enabled }}
{{- if and (not $keys.existingSecret.name) (not $keys.tenants) }}
{{- fail "auth.apiKeys: auth.apiKeys.enabled needs auth.apiKeys.existingSecret.name or auth.apiKeys.tenants" }}
{{- end }}
{{- if and $keys.existingSecret.name $keys.tenants }}
{{- fail "auth.apiKeys: set auth.apiKeys.existingSecret.name or auth.apiKeys.tenants, not both" }}
{{- end }}
{{- $names := list }}
{{- range $i, $t := $keys.tenants }}
{{- if has $t.name $names }}
{{- fail (printf "auth.apiKeys.tenants[%d].name: %s is defined twice" $i $t.name) }}
{{- end }}
{{- $names = append $names $t.name }}
{{- end }}
{{- end }}
{{- $a := $v.autoscaling }}
{{- if $a.enabled }}
{{- if lt (int $a.maxReplicas) (int $a.minReplicas) }}
{{- fail (printf "autoscaling.maxReplicas: %d is below autoscaling.minReplicas %d" (int $a.maxReplicas) (int $a.minReplicas)) }}
{{- end }}
{{- if and (eq $a.kind "keda") (not $a.keda.prometheusServerAddress) }}
{{- fail "autoscaling.keda.prometheusServerAddress: required when autoscaling.kind is keda" }}
{{- end }}
{{- end }}
{{- range $key, $value := $v.server.config }}
{{- if has $key (list "Server:Urls" "Server:HttpUrls" "Server:DrainDelay" "Server:ShutdownTimeout" "Server:CertificatePath" "Server:CertificateKeyPath" "Server:ClientCertificateMode" "Server:ClientCertificateCaPath" "Inference:Model" "Auth:ApiKeysFile" "Logging:Format" "OpenTelemetry:Endpoint") }}
{{- fail (printf "server.config: %q is set by the chart from its own values (see helm/README.md); remove it from server.config" $key) }}
{{- end }}
{{- end }}
{{- if and $v.tests.enabled (eq $v.tls.clientCertificateMode "RequireCertificate") (not $v.tests.clientCertificateSecret) }}
{{- fail "tests.clientCertificateSecret: the helm test needs a client certificate when tls.clientCertificateMode is RequireCertificate (or set tests.enabled false)" }}
{{- end }}
{{- end }}

{{/* FASTAV_Section__Key for "Section:Key". */}}
{{- define "fastav-live.envName" -}}
{{- printf "FASTAV_%s" (replace ":" "__" .) }}
{{- end }}
