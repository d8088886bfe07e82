export { currentPage } from './page';
export { landingTouch, recordTouches } from './attribution';
export { environment } from './environment';
export { watchNavigation } from './navigation';
