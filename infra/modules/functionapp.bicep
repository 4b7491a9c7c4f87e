// The Function App: Flex Consumption (FC1, Linux) running the KpiPipeline isolated-worker app (runtime 'dotnet-isolated' 10.0).
// The app runs as the user-assigned identity: the deployment package, AzureWebJobsStorage and KpiStorage are reached with
// it (identity-based connections, no keys), Key Vault references resolve with it, and it sends telemetry with it.
// Every app setting is in the 'appsettings' resource below; tests/KpiPipeline.Deployment.Tests checks that it sets every
// setting the code reads.

param appName string
param planName string
param location string
param tags object = {}

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Host storage account (AzureWebJobsStorage and the deployment package container).')
param hostStorageName string

@description('Container in the host storage account that holds the deployment package.')
param deploymentContainerName string

@description('Data storage account (KpiStorage).')
param dataStorageName string

param applicationInsightsConnectionString string

@description('Versionless Key Vault secret URIs of the two pseudonymisation secrets.')
param pseudonymisationSecretUri string
param registrantSecretUri string

@description('NCRONTAB (6 fields, UTC) of the KPI recomputation.')
param computeKpisSchedule string

@description('NCRONTAB (6 fields, UTC) of the quarantine purge.')
param purgeQuarantineSchedule string

@description('NCRONTAB (6 fields, UTC) of the sweep that records stalled uploads as failed.')
param recordStalledUploadsSchedule string

@description('Days a rejected upload stays in quarantine.')
param quarantineRetentionDays int

// 2048: at national size (600 providers, 60 months) ComputeKpis peaks at 949 MiB resident in a worker of its own, as
// Flex Consumption runs a timer function, and the worker that ingests a month of national returns (8 at once) holds about
// 400 MiB (docs/benchmarks.md, 2026-12-05).
// Until then it peaked at 2.6-2.7 GiB and this was 4096.
@description('Flex Consumption instance memory (512, 2048 or 4096 MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Flex Consumption scale-out limit (40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Flex Consumption sets the worker runtime from functionAppConfig.runtime: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION must not be app settings here.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__blobServiceUri: hostStorage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: hostStorage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: hostStorage.properties.primaryEndpoints.table
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    KpiStorage__blobServiceUri: dataStorage.properties.primaryEndpoints.blob
    KpiStorage__queueServiceUri: dataStorage.properties.primaryEndpoints.queue
    KpiStorage__tableServiceUri: dataStorage.properties.primaryEndpoints.table
    KpiStorage__credential: 'managedidentity'
    KpiStorage__clientId: identityClientId
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    ComputeKpisSchedule: computeKpisSchedule
    PurgeQuarantineSchedule: purgeQuarantineSchedule
    RecordStalledUploadsSchedule: recordStalledUploadsSchedule
    KpiPipeline__PseudonymisationSecret: '@Microsoft.KeyVault(SecretUri=${pseudonymisationSecretUri})'
    KpiPipeline__RegistrantSecret: '@Microsoft.KeyVault(SecretUri=${registrantSecretUri})'
    KpiPipeline__QuarantineRetentionDays: string(quarantineRetentionDays)
  }
}

output name string = site.name
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
