// KpiPipeline on Azure: one resource group holding
// - a Function App on Flex Consumption (Linux) running the dotnet-isolated worker app `kpi package` publishes,
// - a user-assigned managed identity it runs as, with only the data roles it needs,
// - a host storage account (AzureWebJobsStorage, deployment package) and a data storage account (KpiStorage: the
//   containers, tables and queues below), both Entra-ID-only (no shared key) and without public blob access,
// - an Event Grid system topic on the data account (the blob trigger's Event Grid source),
// - Key Vault holding the two pseudonymisation secrets, referenced from app settings,
// - Application Insights on Log Analytics,
// - role assignments with path conditions isolating providers, commissioners and analysts (modules/access.bicep).
// Deploy with `azd up` (azure.yaml) or see docs/deploy.md.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (one that offers Flex Consumption, e.g. uksouth).')
param location string

@description('Resource group name; default rg-{environmentName}.')
param resourceGroupName string = ''

@secure()
@description('Initial client-key HMAC secret (at least 32 random bytes, e.g. openssl rand -base64 48). Empty: set it in Key Vault by hand before the first upload.')
param pseudonymisationSecret string = ''

@secure()
@description('Initial NSP registrant-token HMAC secret, different from the client-key secret. Empty: set it by hand.')
param registrantSecret string = ''

@description('NCRONTAB (6 fields, UTC) of the KPI recomputation.')
param computeKpisSchedule string = '0 30 2 * * *'

@description('NCRONTAB (6 fields, UTC) of the quarantine purge.')
param purgeQuarantineSchedule string = '0 0 3 * * *'

@description('NCRONTAB (6 fields, UTC) of the sweep that records stalled uploads as failed.')
param recordStalledUploadsSchedule string = '0 */15 * * * *'

@description('Days a rejected upload is kept in quarantine.')
param quarantineRetentionDays int = 30

@description('Providers allowed to upload: [{ code, principalId, principalType }]; see docs/deploy.md "Onboard a provider".')
param providers array = []

@description('Commissioners reading published/restricted/: [{ principalId, principalType }].')
param commissioners array = []

@description('Analysts reading published/public/: [{ principalId, principalType }].')
param analysts array = []

@description('Replication of the data storage account.')
param dataStorageSku string = 'Standard_ZRS'

@description('Create the Event Grid subscription in this deployment. Needs the code deployed first (the webhook key exists only then); azd does it in the postprovision hook (infra/hooks/postprovision.sh, .ps1 on Windows) after deploying the code.')
param deployEventSubscription bool = false

// The storage the code uses: KpiPipelineOptions defaults and PipelineStorage's queue. The tests in
// tests/KpiPipeline.Deployment.Tests read these three arrays and fail when the code uses a name missing here.
var blobContainers = [
  'returns'
  'quarantine'
  'curated'
  'published'
  'reference'
  'reports'
]
var storageTables = [
  'submissions'
  'acceptedreturns'
  'provideruploads'
]
var storageQueues = [
  'report-notifications'
  'provider-state'
  'provider-state-poison'
]

var returnsContainer = 'returns'
var reportsContainer = 'reports'
var publishedContainer = 'published'
var deploymentContainer = 'app-package'
var ingestFunctionName = 'IngestReturn'
var pseudonymisationSecretName = 'pseudonymisation-secret'
var registrantSecretName = 'registrant-secret'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'kpipipeline'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-kpi-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-kpi-${resourceToken}'
    applicationInsightsName: 'appi-kpi-${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalId: identity.outputs.principalId
  }
}

module hostStorage 'modules/storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: 'sthost${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainer
    ]
  }
}

module dataStorage 'modules/storage.bicep' = {
  name: 'data-storage'
  scope: rg
  params: {
    name: 'stdata${resourceToken}'
    location: location
    tags: tags
    skuName: dataStorageSku
    containerNames: blobContainers
    tableNames: storageTables
    queueNames: storageQueues
  }
}

module appStorageRoles 'modules/app-storage-roles.bicep' = {
  name: 'app-storage-roles'
  scope: rg
  params: {
    hostStorageName: hostStorage.outputs.name
    dataStorageName: dataStorage.outputs.name
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-kpi-${take(resourceToken, 13)}'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    pseudonymisationSecretName: pseudonymisationSecretName
    registrantSecretName: registrantSecretName
    pseudonymisationSecret: pseudonymisationSecret
    registrantSecret: registrantSecret
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    appName: 'func-kpi-${resourceToken}'
    planName: 'plan-kpi-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostStorageName: hostStorage.outputs.name
    deploymentContainerName: deploymentContainer
    dataStorageName: dataStorage.outputs.name
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    pseudonymisationSecretUri: keyVault.outputs.pseudonymisationSecretUri
    registrantSecretUri: keyVault.outputs.registrantSecretUri
    computeKpisSchedule: computeKpisSchedule
    purgeQuarantineSchedule: purgeQuarantineSchedule
    recordStalledUploadsSchedule: recordStalledUploadsSchedule
    quarantineRetentionDays: quarantineRetentionDays
  }
  // The identity must hold its storage and Key Vault roles before the host starts with it.
  dependsOn: [
    appStorageRoles
  ]
}

module eventGridTopic 'modules/eventgrid-topic.bicep' = {
  name: 'event-grid-topic'
  scope: rg
  params: {
    name: 'evgt-kpi-${resourceToken}'
    location: location
    tags: tags
    storageAccountId: dataStorage.outputs.id
  }
}

module eventSubscription 'modules/eventgrid-subscription.bicep' = if (deployEventSubscription) {
  name: 'event-grid-subscription'
  scope: rg
  params: {
    systemTopicName: eventGridTopic.outputs.name
    functionAppName: functionApp.outputs.name
    functionName: ingestFunctionName
    returnsContainer: returnsContainer
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  scope: rg
  params: {
    dataStorageName: dataStorage.outputs.name
    returnsContainer: returnsContainer
    reportsContainer: reportsContainer
    publishedContainer: publishedContainer
    providers: providers
    commissioners: commissioners
    analysts: analysts
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOST string = functionApp.outputs.defaultHostName
output KPI_DATA_STORAGE_ACCOUNT string = dataStorage.outputs.name
output KPI_DATA_BLOB_ENDPOINT string = dataStorage.outputs.blobEndpoint
output KPI_DATA_DFS_ENDPOINT string = dataStorage.outputs.dfsEndpoint
output KPI_HOST_STORAGE_ACCOUNT string = hostStorage.outputs.name
output KPI_KEY_VAULT_NAME string = keyVault.outputs.name
output KPI_EVENT_GRID_TOPIC string = eventGridTopic.outputs.name
output KPI_INGEST_FUNCTION string = ingestFunctionName
output KPI_RETURNS_CONTAINER string = returnsContainer
output KPI_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
