// Who may touch the data, by Azure role assignment conditions (ABAC) on the blob path; see "Access" in docs/deploy.md.
// - Each provider's principal (an Entra group or service principal) may create and replace blobs only under
//   returns/{provider_code}/, and read its own validation reports under reports/{provider_code}/. It cannot delete,
//   list or read other providers' paths, or write anywhere else.
// - Commissioners read published/restricted/ (and the KPI catalogue); analysts read published/public/ (and the catalogue).
// Conditions are evaluated by the storage service on every request, so this holds for every client (portal, azcopy,
// SDKs, DuckDB, Synapse) without any token-issuing service of our own.

param dataStorageName string
param returnsContainer string
param reportsContainer string
param publishedContainer string

@description('Providers: [{ code: \'P001\', principalId: \'<object id>\', principalType: \'Group\' | \'ServicePrincipal\' | \'User\' }]. Codes upper-case, as in reference/providers.csv.')
param providers array = []

@description('Commissioners: [{ principalId, principalType }]; read published/restricted/.')
param commissioners array = []

@description('Analysts: [{ principalId, principalType }]; read published/public/.')
param analysts array = []

var blobRead = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
var blobWrite = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
var blobAdd = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
var pathAttribute = '@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path]'
var prefixAttribute = '@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix]'
var storageBlobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'

// Create and replace blobs (Put Blob, Put Block, Put Block List) and read them back: no delete, no tags, no metadata-only
// writes beyond what an upload carries. A custom role, so that no condition can be widened into a delete right.
resource uploaderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'kpi-return-uploader')
  properties: {
    roleName: 'KPI return uploader (${uniqueString(resourceGroup().id)})'
    description: 'Create and replace provider return files; the assignment condition limits it to the provider\'s own path.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          blobRead
          blobWrite
          blobAdd
        ]
        notDataActions: []
      }
    ]
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource returns 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: returnsContainer
}

resource reports 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: reportsContainer
}

resource published 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: publishedContainer
}

// Condition parts. A condition reads "for these actions, require that"; each part lets every other action through
// unchanged. Reads (other than listing) are checked on the blob path (the blob name inside the container), listings on
// the requested prefix, writes and creates on the path.
var unlessRead = '!(ActionMatches{\'${blobRead}\'} AND NOT SubOperationMatches{\'Blob.List\'})'
var unlessList = '!(ActionMatches{\'${blobRead}\'} AND SubOperationMatches{\'Blob.List\'})'
var unlessWrite = '!(ActionMatches{\'${blobWrite}\'}) AND !(ActionMatches{\'${blobAdd}\'})'
// The files published at the container's root, beside restricted/ and public/ (KpiPublisher.CatalogueFile and
// KpiPublisher.AreasFile): the KPI catalogue and the areas with their nations, which both readers join to the rows.
var catalogue = 'kpi_catalogue.parquet'
var areas = 'kpi_areas.parquet'
var rootFilesRead = '${pathAttribute} StringEquals \'${catalogue}\' OR ${pathAttribute} StringEquals \'${areas}\''
var rootFilesListPrefix = 'kpi_'
var restrictedReadCondition = '((${unlessRead}) OR (${pathAttribute} StringStartsWith \'restricted/\' OR ${rootFilesRead})) AND ((${unlessList}) OR (${prefixAttribute} StringStartsWith \'restricted/\' OR ${prefixAttribute} StringStartsWith \'${rootFilesListPrefix}\'))'
var publicReadCondition = '((${unlessRead}) OR (${pathAttribute} StringStartsWith \'public/\' OR ${rootFilesRead})) AND ((${unlessList}) OR (${prefixAttribute} StringStartsWith \'public/\' OR ${prefixAttribute} StringStartsWith \'${rootFilesListPrefix}\'))'

resource providerUploads 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for provider in providers: {
  name: guid(returns.id, provider.principalId, uploaderRole.id)
  scope: returns
  properties: {
    roleDefinitionId: uploaderRole.id
    principalId: provider.principalId
    principalType: provider.principalType
    description: 'Provider ${provider.code}: upload returns under ${returnsContainer}/${provider.code}/ only'
    conditionVersion: '2.0'
    condition: '((${unlessWrite}) OR (${pathAttribute} StringStartsWith \'${provider.code}/\')) AND ((${unlessRead}) OR (${pathAttribute} StringStartsWith \'${provider.code}/\')) AND ((${unlessList}) OR (${prefixAttribute} StringStartsWith \'${provider.code}/\'))'
  }
}]

resource providerReports 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for provider in providers: {
  name: guid(reports.id, provider.principalId, storageBlobDataReader)
  scope: reports
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: provider.principalId
    principalType: provider.principalType
    description: 'Provider ${provider.code}: read validation reports under ${reportsContainer}/${provider.code}/ only'
    conditionVersion: '2.0'
    condition: '((${unlessRead}) OR (${pathAttribute} StringStartsWith \'${provider.code}/\')) AND ((${unlessList}) OR (${prefixAttribute} StringStartsWith \'${provider.code}/\'))'
  }
}]

resource commissionerReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for reader in commissioners: {
  name: guid(published.id, reader.principalId, storageBlobDataReader, 'restricted')
  scope: published
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: reader.principalId
    principalType: reader.principalType
    description: 'Commissioners: read ${publishedContainer}/restricted/, the KPI catalogue and the areas file'
    conditionVersion: '2.0'
    condition: restrictedReadCondition
  }
}]

resource analystReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for reader in analysts: {
  name: guid(published.id, reader.principalId, storageBlobDataReader, 'public')
  scope: published
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: reader.principalId
    principalType: reader.principalType
    description: 'Analysts: read ${publishedContainer}/public/, the KPI catalogue and the areas file'
    conditionVersion: '2.0'
    condition: publicReadCondition
  }
}]

output uploaderRoleId string = uploaderRole.id
