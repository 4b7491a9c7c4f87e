// Key Vault for the pseudonymisation secrets. RBAC authorisation (no access policies), soft delete and purge protection
// (losing the client-key secret would make every earlier client_key unlinkable). The app identity may only read secrets.
// Secrets are written here only when a value is passed; otherwise set them with `az keyvault secret set` (docs/deploy.md).

param name string
param location string
param tags object = {}

@description('Principal (object) id of the Function App identity (gets Key Vault Secrets User on the two secrets).')
param readerPrincipalId string

@description('Name of the secret holding the client-key HMAC secret (KpiPipeline__PseudonymisationSecret).')
param pseudonymisationSecretName string

@description('Name of the secret holding the NSP registrant-token HMAC secret (KpiPipeline__RegistrantSecret).')
param registrantSecretName string

@secure()
@description('Initial client-key secret; empty leaves the secret to be set by hand.')
param pseudonymisationSecret string = ''

@secure()
@description('Initial registrant-token secret; empty leaves the secret to be set by hand.')
param registrantSecret string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource clientKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(pseudonymisationSecret)) {
  parent: vault
  name: pseudonymisationSecretName
  properties: {
    value: pseudonymisationSecret
    contentType: 'HMAC secret for client_key (dataset.md 2.2)'
  }
}

resource registrantKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(registrantSecret)) {
  parent: vault
  name: registrantSecretName
  properties: {
    value: registrantSecret
    contentType: 'HMAC secret for NSP registrant tokens (dataset.md 4)'
  }
}

// Key Vault Secrets User: read secret values, nothing else. Assigned on the vault so it also covers secrets set by hand.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless secret URIs: the app follows the newest enabled version (see "Rotate the secrets" in docs/deploy.md).
output pseudonymisationSecretUri string = '${vault.properties.vaultUri}secrets/${pseudonymisationSecretName}'
output registrantSecretUri string = '${vault.properties.vaultUri}secrets/${registrantSecretName}'
output readerRoleAssignmentId string = secretsUser.id
