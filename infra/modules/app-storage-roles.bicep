// The Function App identity's data roles, and only these:
// - host storage (AzureWebJobsStorage and the deployment package): Storage Blob Data Owner, Queue and Table Data
//   Contributor, as the Functions host requires for identity-based AzureWebJobsStorage;
// - data storage (KpiStorage): Storage Blob Data Owner (the blob trigger's documented requirement for an identity-based
//   connection), Queue Data Contributor (blob-trigger poison queue, report notifications, the provider-state queue the
//   RefreshProviderState queue trigger reads and its poison queue) and Table Data Contributor (submission ledger,
//   accepted returns, provider uploads).
// No control-plane role: the identity cannot list keys, change the accounts or assign roles.

param hostStorageName string
param dataStorageName string

@description('Principal (object) id of the Function App identity.')
param principalId string

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var dataRoles = [
  storageBlobDataOwner
  storageQueueDataContributor
  storageTableDataContributor
]

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource hostRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in dataRoles: {
  name: guid(hostStorage.id, principalId, role)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

resource dataRolesAssigned 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in dataRoles: {
  name: guid(dataStorage.id, principalId, role)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]
